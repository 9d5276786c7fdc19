// 快速登记: log a problem on site from a phone. One Idempotency-Key per form
// fill, so pressing the button again after a dropped connection answers the
// problem already logged instead of logging it twice. Photos are uploaded
// as evidence once the problem exists.
import { html, useEffect, useRef, useState } from '../preact.js';
import { ApiError, NetworkError, post, uploadEvidence } from '../api.js';
import { t } from '../i18n.js';
import { href } from '../router.js';
import { ErrorNote, FieldLabel, PageTitle, Select, UnitPicker, errorText } from '../components.js';

// crypto.randomUUID needs a secure context; a phone on the office network
// may reach the server over plain http, where getRandomValues still works.
function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function emptyDraft(user, rules) {
  return {
    title: '',
    category: '',
    severity: '',
    unit: user.unit,
    description: '',
  };
}

export function QuickLog({ user, rules }) {
  const [fill, setFill] = useState(0); // a new form fill, a new key
  const [logged, setLogged] = useState(null);
  const another = () => {
    setLogged(null);
    setFill((n) => n + 1);
  };
  return html`
    <${PageTitle}>${t('log.title')}<//>
    ${
      logged
        ? html`<${Logged} logged=${logged} onAnother=${another} />`
        : html`<${LogForm} key=${fill} user=${user} rules=${rules} onLogged=${setLogged} />`
    }
  `;
}

function Logged({ logged, onAnother }) {
  return html`<div class="panel stack" role="status">
    <p class="note success">${t('log.done', { id: logged.issue.id })}</p>
    ${logged.photoError && html`<p class="note error">${t('log.photoFailed', { detail: errorText(logged.photoError) })}</p>`}
    <div class="form-actions">
      <a class="button" href=${href(`/issues/${logged.issue.id}`)} data-issue=${logged.issue.id}>${t('log.view')}</a>
      <button type="button" class="secondary" onClick=${onAnother}>${t('log.another')}</button>
    </div>
  </div>`;
}

function LogForm({ user, rules, onLogged }) {
  const idempotencyKey = useRef(newKey());
  const [draft, setDraft] = useState(() => emptyDraft(user, rules));
  const [photos, setPhotos] = useState([]);
  const [phase, setPhase] = useState('editing'); // editing | saving | uploading
  const [error, setError] = useState(null);
  const set = (name) => (value) => setDraft((d) => ({ ...d, [name]: value }));

  const previews = usePreviews(photos);

  const submit = async (event) => {
    event.preventDefault();
    setError(null);
    setPhase('saving');
    let issue;
    try {
      const body = { title: draft.title.trim(), category: draft.category, unit: draft.unit };
      if (draft.severity) body.severity = draft.severity;
      if (draft.description.trim()) body.description = draft.description.trim();
      issue = await post('/api/v1/issues', body, { 'Idempotency-Key': idempotencyKey.current });
    } catch (e) {
      setPhase('editing');
      setError(e instanceof NetworkError ? new Error(t('log.networkRetry')) : e);
      return;
    }
    let photoError = null;
    if (photos.length > 0) {
      setPhase('uploading');
      try {
        await uploadEvidence(issue.id, photos);
      } catch (e) {
        photoError = e;
      }
    }
    onLogged({ issue, photoError });
  };

  const busy = phase !== 'editing';
  return html`<form class="panel stack quick-log" onSubmit=${submit}>
    <p class="muted">${t('log.intro')}</p>
    <div class="field">
      <${FieldLabel} id="log-title" label=${t('log.titleField')} required />
      <input id="log-title" required maxlength="200" value=${draft.title} onInput=${(e) => set('title')(e.target.value)} />
    </div>
    <${Select} id="log-category" label=${t('log.category')} value=${draft.category} onChange=${set('category')}
      options=${rules.categories} anyLabel=${t('log.choose')} required />
    <${Select} id="log-severity" label=${t('log.severity')} value=${draft.severity} onChange=${set('severity')}
      options=${rules.severities} anyLabel=${t('log.defaultSeverity')} />
    <${UnitPicker} id="log-unit" label=${t('log.unit')} value=${draft.unit} onChange=${set('unit')}
      emptyLabel=${t('log.choose')} required />
    <div class="field">
      <label for="log-description">${t('log.description')}</label>
      <textarea id="log-description" rows="4" value=${draft.description}
        onInput=${(e) => set('description')(e.target.value)}></textarea>
    </div>
    <div class="field">
      <span class="label" id="log-photos-label">${t('log.photos')}</span>
      <label class="button secondary file-button">
        ${t('log.takePhoto')}
        <input type="file" accept="image/*" capture="environment" multiple aria-describedby="log-photos-label"
          onChange=${(e) => {
            setPhotos((p) => [...p, ...e.target.files]);
            e.target.value = '';
          }} />
      </label>
      ${
        photos.length > 0 &&
        html`<ul class="previews">
        ${photos.map(
          (file, i) => html`<li key=${i}>
            <img src=${previews[i]} alt=${file.name} />
            <button type="button" class="link" aria-label=${t('log.removePhoto', { name: file.name })}
              onClick=${() => setPhotos((p) => p.filter((_, j) => j !== i))}>✕</button>
          </li>`,
        )}
      </ul>`
      }
    </div>
    ${
      error &&
      (error instanceof ApiError
        ? html`<${ErrorNote} error=${error} />`
        : html`<p class="note error" role="alert">${error.message}</p>`)
    }
    <button type="submit" disabled=${busy}>
      ${phase === 'saving' ? t('log.saving') : phase === 'uploading' ? t('log.uploading') : t('log.submit')}
    </button>
  </form>`;
}

// Object URLs (blob:) for the chosen photos, revoked when they change.
function usePreviews(files) {
  const [urls, setUrls] = useState([]);
  useEffect(() => {
    const made = files.map((f) => URL.createObjectURL(f));
    setUrls(made);
    return () => made.forEach((u) => URL.revokeObjectURL(u));
  }, [files]);
  return urls;
}
