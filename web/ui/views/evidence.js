// 佐证材料: the files attached to a problem, photos shown as pictures, and
// an uploader taking files dropped on it, picked, or shot with the phone's
// camera. Anyone who sees the problem may attach files until it is cleared.
import { html, useState } from '../preact.js';
import { get, issuePath, uploadEvidence } from '../api.js';
import { t } from '../i18n.js';
import { bytes, dateTime } from '../format.js';
import { useLoad } from '../hooks.js';
import { ErrorNote, Loaded } from '../components.js';

export function EvidencePanel({ issue, revision, onChanged }) {
  const state = useLoad(() => get(`${issuePath(issue.id)}/evidence`), [issue.id, revision]);
  return html`<section class="panel" aria-labelledby="evidence-heading">
    <h2 id="evidence-heading">${t('issue.evidence')}</h2>
    <${Loaded} state=${state}>${({ items }) => html`<${Gallery} items=${items} />`}<//>
    ${!issue.cleared && html`<${Uploader} id=${issue.id} onUploaded=${onChanged} />`}
  </section>`;
}

function Gallery({ items }) {
  if (items.length === 0) return html`<p class="muted">${t('evidence.none')}</p>`;
  return html`<ul class="gallery">
    ${items.map(
      (item) => html`<li key=${item.sha256}>
        <a href=${item.url} class="gallery-item" title=${t('evidence.open')}>
          ${
            item.type.startsWith('image/')
              ? html`<img src=${item.url} alt="" loading="lazy" />`
              : html`<span class="file-icon" aria-hidden="true">📄</span>`
          }
          <span class="gallery-name">${item.name}</span>
        </a>
        <span class="muted small">
          ${t('evidence.meta', { size: bytes(item.size), actor: item.attached_by, time: dateTime(item.attached_at) })}
        </span>
      </li>`,
    )}
  </ul>`;
}

function Uploader({ id, onUploaded }) {
  const [status, setStatus] = useState(null);
  const [error, setError] = useState(null);
  const [over, setOver] = useState(false);

  const upload = async (fileList) => {
    const files = [...fileList];
    if (files.length === 0) return;
    setError(null);
    setStatus(t('evidence.uploading', { n: files.length }));
    try {
      const answer = await uploadEvidence(id, files);
      setStatus(t('evidence.uploaded', { n: answer.attached.length }));
      onUploaded(answer.issue);
    } catch (e) {
      setStatus(null);
      setError(e);
    }
  };
  const picked = (event) => {
    upload(event.target.files);
    event.target.value = '';
  };
  const drop = (event) => {
    event.preventDefault();
    setOver(false);
    upload(event.dataTransfer.files);
  };
  const dragOver = (event) => {
    event.preventDefault();
    setOver(true);
  };

  return html`<div
    class=${`dropzone${over ? ' over' : ''}`}
    onDragOver=${dragOver}
    onDragLeave=${() => setOver(false)}
    onDrop=${drop}
  >
    <p class="muted">${t('evidence.drop')}</p>
    <div class="upload-buttons">
      <label class="button secondary file-button">
        ${t('evidence.camera')}
        <input type="file" accept="image/*" capture="environment" multiple onChange=${picked} />
      </label>
      <label class="button secondary file-button">
        ${t('evidence.files')}
        <input type="file" multiple onChange=${picked} />
      </label>
    </div>
    ${status && html`<p role="status" class="small">${status}</p>`}
    <${ErrorNote} error=${error} />
  </div>`;
}
