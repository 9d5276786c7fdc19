// Small pieces the views share.
import { html, useEffect, useState } from './preact.js';
import { ApiError, NetworkError } from './api.js';
import { t } from './i18n.js';
import { loadUnits } from './reference.js';

export function Loading() {
  return html`<p class="muted loading" role="status">${t('app.loading')}</p>`;
}

// What went wrong, in the page's language, followed by the server's own
// sentence (which names the field or file at fault).
const kStatusText = {
  401: 'error.expired',
  403: 'error.forbidden',
  404: 'error.notFound',
  409: 'error.conflict',
  413: 'error.tooLarge',
  415: 'error.type',
  422: 'error.invalid',
  429: 'error.busy',
  503: 'error.busy',
};

export function errorText(error) {
  if (error instanceof NetworkError) return t('error.network');
  if (error instanceof ApiError) {
    const detail = error.problem.detail;
    const key = kStatusText[error.status];
    if (!key) return t('error.generic', { detail: detail || error.message });
    return detail && error.status !== 401 ? `${t(key)} ${detail}` : t(key);
  }
  return t('error.generic', { detail: error?.message ?? String(error) });
}

export function ErrorNote({ error, retry }) {
  if (!error) return null;
  const fields = error instanceof ApiError ? error.problem.errors || [] : [];
  return html`<div class="note error" role="alert">
    <p>${errorText(error)}</p>
    ${
      fields.length > 0 &&
      html`<ul>
      ${fields.map((f) => html`<li><code>${f.field}</code>: ${f.message}</li>`)}
    </ul>`
    }
    ${retry && html`<button type="button" class="secondary" onClick=${retry}>${t('app.retry')}</button>`}
  </div>`;
}

// Loading, error or the content the loaded data renders.
export function Loaded({ state, children }) {
  if (state.error) return html`<${ErrorNote} error=${state.error} retry=${state.reload} />`;
  if (state.data === undefined) return html`<${Loading} />`;
  return children(state.data);
}

export function LevelBadge({ level }) {
  if (!level) return null;
  return html`<span class=${`badge level-${level}`}>${t(`level.${level}`)}</span>`;
}

export function StateBadge({ label, state }) {
  return html`<span class=${`badge state state-${state}`}>${label || state}</span>`;
}

export function PageTitle({ children, actions }) {
  useEffect(() => {
    if (typeof children === 'string') document.title = `${children} · ${t('app.name')}`;
  }, [children]);
  return html`<div class="page-title">
    <h1>${children}</h1>
    ${actions && html`<div class="page-actions">${actions}</div>`}
  </div>`;
}

// Picks a unit of the user's jurisdiction one level at a time (county →
// township → village), a <select> per level. `value` is a unit code or ''
// (shown as `emptyLabel`: "all units" for a filter, "choose" for a field).
export function UnitPicker({ id, label, value, onChange, required, emptyLabel }) {
  const [tree, setTree] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    loadUnits().then(setTree, setError);
  }, []);
  if (error) return html`<${ErrorNote} error=${error} />`;
  if (!tree || !tree.root) return html`<${Loading} />`;

  const root = tree.root;
  const chain = value ? tree.chain(value) : [];
  return html`<div class="field unit-picker">
    <${FieldLabel} id=${id} label=${label} required=${required} />
    <div class="unit-levels">
      <select id=${id} value=${value ? root.code : ''} required=${required}
        onChange=${(e) => onChange(e.target.value)}>
        <option value="">${emptyLabel}</option>
        <option value=${root.code}>${root.name}</option>
      </select>
      ${chain.map((code, i) => {
        const kids = tree.children(code);
        if (kids.length === 0) return null;
        return html`<select
          key=${code}
          id=${`${id}-${i + 1}`}
          aria-label=${`${label} · ${t('unit.below')} ${i + 1}`}
          value=${chain[i + 1] ?? ''}
          onChange=${(e) => onChange(e.target.value || code)}
        >
          <option value="">${t('unit.thisLevel')}</option>
          ${kids.map((u) => html`<option value=${u.code}>${u.name}</option>`)}
        </select>`;
      })}
    </div>
  </div>`;
}

export function FieldLabel({ id, label, required }) {
  return html`<label for=${id}>
    ${label}${required && html` <span class="req">${t('action.required')}</span>`}
  </label>`;
}

// A wide table scrolls sideways inside this box, never the page; the box
// takes the keyboard focus so that it can be scrolled without a mouse.
export function TableScroll({ label, children }) {
  return html`<div class="table-scroll" tabindex="0" role="region" aria-label=${t('app.tableOf', { name: label })}>
    ${children}
  </div>`;
}

export function Select({ id, label, value, onChange, options, anyLabel, required }) {
  return html`<div class="field">
    <${FieldLabel} id=${id} label=${label} required=${required} />
    <select id=${id} value=${value} required=${required} onChange=${(e) => onChange(e.target.value)}>
      ${anyLabel !== undefined && html`<option value="">${anyLabel}</option>`}
      ${options.map((o) => html`<option value=${o.code}>${o.label}</option>`)}
    </select>
  </div>`;
}
