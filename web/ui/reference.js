// Reference data the views share, fetched once per session: the loaded rule
// pack and the units of the user's jurisdiction.
import { get } from './api.js';

let rulesPromise = null;
let unitsPromise = null;

export function forgetReference() {
  rulesPromise = null;
  unitsPromise = null;
}

export function loadRules() {
  rulesPromise ??= get('/api/v1/rules').catch((e) => {
    rulesPromise = null;
    throw e;
  });
  return rulesPromise;
}

// The jurisdiction's units as a tree: {root, byCode, children(code)}.
export function loadUnits() {
  unitsPromise ??= get('/api/v1/units')
    .then(({ items }) => new UnitTree(items))
    .catch((e) => {
      unitsPromise = null;
      throw e;
    });
  return unitsPromise;
}

export class UnitTree {
  constructor(items) {
    this.byCode = new Map(items.map((u) => [u.code, u]));
    this.kids = new Map();
    this.root = null;
    for (const unit of items) {
      if (unit.parent && this.byCode.has(unit.parent)) {
        if (!this.kids.has(unit.parent)) this.kids.set(unit.parent, []);
        this.kids.get(unit.parent).push(unit);
      } else if (!this.root) {
        this.root = unit;
      }
    }
  }

  children(code) {
    return this.kids.get(code) || [];
  }

  name(code) {
    return this.byCode.get(code)?.name ?? code;
  }

  // The codes from the root down to `code`, both included; [] if unknown.
  chain(code) {
    const out = [];
    for (let unit = this.byCode.get(code); unit; unit = this.byCode.get(unit.parent)) {
      out.unshift(unit.code);
    }
    return out;
  }
}

export function actionDef(rules, name) {
  return rules.actions.find((a) => a.name === name);
}

export function stateLabel(rules, name) {
  return rules.states.find((s) => s.name === name)?.label ?? name;
}

export function labelOf(list, code) {
  return list.find((item) => item.code === code)?.label ?? code;
}

export function hasRole(user, roles) {
  return user.roles.some((role) => roles.includes(role));
}
