// The actions the user may take on a problem now (the issue's `actions`),
// each with a form holding what the rule pack says the action needs.
// Sent with If-Match on the version shown, so a change made meanwhile by
// someone else is refused (412) rather than overwritten.
import { html, useState } from '../preact.js';
import { ApiError, takeAction } from '../api.js';
import { t } from '../i18n.js';
import { actionDef } from '../reference.js';
import { ErrorNote, FieldLabel, UnitPicker } from '../components.js';

export function ActionPanel({ issue, rules, onChanged, onStale }) {
  const [open, setOpen] = useState(null);
  const [notice, setNotice] = useState(null);
  const defs = issue.actions.map((name) => actionDef(rules, name) ?? { name, label: name, fields: [] });

  const done = (def, fresh) => {
    setOpen(null);
    setNotice(t('action.done', { label: def.label }));
    onChanged(fresh);
  };
  const stale = () => {
    setOpen(null);
    setNotice(t('action.stale'));
    onStale();
  };

  return html`<section class="panel actions-panel" aria-labelledby="actions-heading">
    <h2 id="actions-heading">${t('issue.actions')}</h2>
    ${notice && html`<p class="note" role="status">${notice}</p>`}
    ${
      defs.length === 0
        ? html`<p class="muted">${t('issue.noActions')}</p>`
        : html`<div class="action-buttons">
          ${defs.map(
            (def) => html`<button
              type="button"
              class=${open === def.name ? '' : 'secondary'}
              aria-expanded=${open === def.name}
              aria-controls=${open === def.name ? `action-${def.name}` : undefined}
              data-action=${def.name}
              onClick=${() => {
                setNotice(null);
                setOpen(open === def.name ? null : def.name);
              }}
            >
              ${def.label}
            </button>`,
          )}
        </div>`
    }
    ${
      open &&
      html`<${ActionForm}
      key=${open}
      issue=${issue}
      def=${defs.find((d) => d.name === open)}
      onDone=${done}
      onStale=${stale}
      onCancel=${() => setOpen(null)}
    />`
    }
  </section>`;
}

function initialValues(def) {
  return Object.fromEntries((def.fields || []).map((f) => [f.name, f.type === 'boolean' ? false : '']));
}

// The body the API takes: {fields, comment}; empty optional values left out.
function requestBody(def, values, comment) {
  const fields = {};
  for (const f of def.fields || []) {
    const value = values[f.name];
    if (f.type === 'boolean') {
      if (value || f.required) fields[f.name] = Boolean(value);
    } else if (value !== '') {
      fields[f.name] = value.trim ? value.trim() : value;
    }
  }
  const body = { fields };
  if (comment.trim() !== '') body.comment = comment.trim();
  return body;
}

function ActionForm({ issue, def, onDone, onStale, onCancel }) {
  const [values, setValues] = useState(() => initialValues(def));
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const set = (name) => (value) => setValues((v) => ({ ...v, [name]: value }));
  const commentRequired = Boolean(def.comment_required);

  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onDone(def, await takeAction(issue, def.name, requestBody(def, values, comment)));
    } catch (e) {
      setBusy(false);
      if (e instanceof ApiError && e.status === 412) onStale();
      else setError(e);
    }
  };

  const id = (name) => `action-${def.name}-${name}`;
  return html`<form id=${`action-${def.name}`} class="action-form stack" onSubmit=${submit}>
    <fieldset>
      <legend>${t('action.fieldsLegend', { label: def.label })}</legend>
      ${
        def.evidence_required &&
        issue.evidence_count === 0 &&
        html`<p class="note warn">${t('action.needsEvidence')}</p>`
      }
      ${(def.fields || []).map(
        (f) => html`<${ActionField} key=${f.name} id=${id(f.name)} field=${f}
        value=${values[f.name]} onChange=${set(f.name)} />`,
      )}
      <div class="field">
        <${FieldLabel} id=${id('comment')} label=${t('action.comment')} required=${commentRequired} />
        <textarea id=${id('comment')} rows="3" required=${commentRequired} value=${comment}
          onInput=${(e) => setComment(e.target.value)}></textarea>
      </div>
    </fieldset>
    <${ErrorNote} error=${error} />
    <div class="form-actions">
      <button type="submit" disabled=${busy}>${busy ? t('action.busy') : t('action.submit', { label: def.label })}</button>
      <button type="button" class="secondary" onClick=${onCancel}>${t('action.cancel')}</button>
    </div>
  </form>`;
}

function ActionField({ id, field, value, onChange }) {
  if (field.type === 'unit') {
    return html`<${UnitPicker} id=${id} label=${field.label} value=${value} onChange=${onChange}
      required=${field.required} emptyLabel=${t('log.choose')} />`;
  }
  if (field.type === 'boolean') {
    return html`<div class="field checkbox">
      <input id=${id} type="checkbox" checked=${value} required=${field.required}
        onChange=${(e) => onChange(e.target.checked)} />
      <${FieldLabel} id=${id} label=${field.label} required=${field.required} />
    </div>`;
  }
  if (field.type === 'date') {
    return html`<div class="field">
      <${FieldLabel} id=${id} label=${field.label} required=${field.required} />
      <input id=${id} type="date" value=${value} required=${field.required} onInput=${(e) => onChange(e.target.value)} />
    </div>`;
  }
  return html`<div class="field">
    <${FieldLabel} id=${id} label=${field.label} required=${field.required} />
    <textarea id=${id} rows="2" value=${value} required=${field.required}
      onInput=${(e) => onChange(e.target.value)}></textarea>
  </div>`;
}
