// One problem: its fields, its deadline and how it was set, the actions the
// user may take, its evidence and its history.
import { html, useEffect, useState } from '../preact.js';
import { get, issuePath } from '../api.js';
import { t } from '../i18n.js';
import { dateTime } from '../format.js';
import { href } from '../router.js';
import { useLoad } from '../hooks.js';
import { actionDef, labelOf, loadUnits, stateLabel } from '../reference.js';
import { ErrorNote, LevelBadge, Loaded, Loading, PageTitle, StateBadge } from '../components.js';
import { ActionPanel } from './action_form.js';
import { EvidencePanel } from './evidence.js';

export function IssuePage({ id, rules }) {
  const [issue, setIssue] = useState(null);
  const [error, setError] = useState(null);
  const [revision, setRevision] = useState(0); // bumps when history and evidence change

  const reload = () => {
    setError(null);
    get(issuePath(id)).then((fresh) => {
      setIssue(fresh);
      setRevision((r) => r + 1);
    }, setError);
  };
  useEffect(reload, [id]);

  // After an action or an upload, the answer is the problem's new state.
  const changed = (fresh) => {
    setIssue(fresh);
    setRevision((r) => r + 1);
  };

  if (error) return html`<${ErrorNote} error=${error} retry=${reload} />`;
  if (!issue) return html`<${Loading} />`;
  return html`
    <p class="back"><a href=${href('/issues')}>← ${t('issue.back')}</a></p>
    <${PageTitle}>${`#${issue.id} ${issue.title}`}<//>
    <p class="issue-status">
      <${StateBadge} state=${issue.state} label=${issue.state_label} />
      <${LevelBadge} level=${issue.level} />
      ${issue.overdue && html`<span class="overdue-text">${t('issue.overdue', { n: issue.days_overdue })}</span>`}
    </p>
    <div class="issue-columns">
      <div class="issue-side">
        <${ActionPanel} issue=${issue} rules=${rules} onChanged=${changed} onStale=${reload} />
        <${EvidencePanel} issue=${issue} revision=${revision} onChanged=${changed} />
      </div>
      <div class="issue-main">
        <${Details} issue=${issue} rules=${rules} />
        <${DeadlinePanel} issue=${issue} />
      </div>
    </div>
    <${History} id=${issue.id} revision=${revision} rules=${rules} />
  `;
}

// A unit's name, from the jurisdiction's tree (the code until it loads).
function UnitName({ code }) {
  const [name, setName] = useState(code);
  useEffect(() => {
    if (code)
      loadUnits().then(
        (tree) => setName(tree.name(code)),
        () => {},
      );
  }, [code]);
  return code ? name : '—';
}

function Details({ issue, rules }) {
  const rows = [
    ['field.category', issue.category_label || labelOf(rules.categories, issue.category)],
    ['field.severity', labelOf(rules.severities, issue.severity)],
    ['field.source', labelOf(rules.sources, issue.source)],
    ['field.unit', issue.unit_name || issue.unit],
    ['field.responsible_unit', issue.responsible_unit_name || issue.responsible_unit || '—'],
    ['field.lead_unit', html`<${UnitName} code=${issue.lead_unit} />`],
    ['field.responsible_leader', issue.responsible_leader || '—'],
    ['field.measures', issue.measures || '—'],
    ['field.external_ref', issue.external_ref],
    ['field.last_note', issue.last_note && `${issue.last_note.text}（${dateTime(issue.last_note.at)}）`],
    ['field.created', `${issue.created_by} · ${dateTime(issue.created_at)}`],
    ['field.updated', dateTime(issue.updated_at)],
    ['field.cleared_at', issue.cleared_at && dateTime(issue.cleared_at)],
    ['field.version', issue.version],
  ];
  for (const [key, value] of Object.entries(issue.attributes || {})) rows.push([key, value, true]);
  return html`<section class="panel" aria-labelledby="details-heading">
    <h2 id="details-heading" class="visually-hidden">${t('field.description')}</h2>
    ${issue.description && html`<p class="description">${issue.description}</p>`}
    <dl class="details">
      ${rows
        .filter(([, value]) => value !== null && value !== undefined && value !== '')
        .map(
          ([key, value, raw]) => html`<div>
            <dt>${raw ? key : t(key)}</dt>
            <dd>${value}</dd>
          </div>`,
        )}
    </dl>
  </section>`;
}

// Why the deadline is what it is, in words, from `deadline_basis`.
function basisText(basis) {
  const parts = [];
  const rule = basis.rule;
  parts.push(t(`basis.${basis.kind}`, { rule }));
  if (basis.kind === 'rule' || basis.kind === 'replanned') {
    parts.push(t('basis.count', { start: basis.start, days: basis.days, unit: t(`basis.${basis.unit}`) }));
  }
  if (basis.weekend_days_skipped > 0) parts.push(t('basis.weekends', { n: basis.weekend_days_skipped }));
  if (basis.holidays_skipped.length > 0) {
    parts.push(
      t('basis.holidays', { n: basis.holidays_skipped.length, list: basis.holidays_skipped.join('、') }),
    );
  }
  if (basis.makeup_days_counted.length > 0) {
    parts.push(
      t('basis.makeup', { n: basis.makeup_days_counted.length, list: basis.makeup_days_counted.join('、') }),
    );
  }
  if (basis.paused_days_added > 0) parts.push(t('basis.paused', { n: basis.paused_days_added }));
  if (basis.previous) parts.push(t('basis.previous', { date: basis.previous }));
  if (basis.reason) parts.push(t('basis.reason', { reason: basis.reason }));
  if (basis.provisional) parts.push(t('basis.provisional'));
  parts.push(t('basis.pack', { version: basis.pack_version }));
  return parts;
}

function DeadlinePanel({ issue }) {
  return html`<section class="panel" aria-labelledby="deadline-heading">
    <h2 id="deadline-heading">${t('field.deadline')}</h2>
    <p class="deadline">
      <strong data-deadline=${issue.deadline || ''}>${issue.deadline || t('issue.noDeadline')}</strong>
      ${issue.provisional && html` <span class="muted">${t('issue.provisional')}</span>`}
    </p>
    ${
      issue.deadline_basis &&
      html`<h3>${t('issue.basis')}</h3>
      <ul class="basis">
        ${basisText(issue.deadline_basis).map((line) => html`<li>${line}</li>`)}
      </ul>`
    }
    ${
      issue.milestones.length > 0 &&
      html`<h3>${t('issue.milestones')}</h3>
      <ol class="milestones">
        ${issue.milestones.map(
          (m) => html`<li>
            <span class="nowrap">${m.date}</span> ${m.name}${m.provisional && html` <span class="muted">${t('issue.provisional')}</span>`}
          </li>`,
        )}
      </ol>`
    }
  </section>`;
}

function eventTitle(event, rules) {
  if (event.type === 'created') return t('event.created');
  if (event.type === 'evidence') return t('event.evidence');
  if (event.type === 'escalation') return t('event.escalation', { name: event.fields.name || event.action });
  return actionDef(rules, event.action)?.label ?? event.action;
}

// The fields worth showing for an event, labelled where the rules say how.
function eventFields(event, rules) {
  if (event.type === 'evidence') return [[null, event.fields['evidence.name']]];
  if (event.type === 'escalation') return event.fields.notified ? [[null, event.fields.notified]] : [];
  if (event.type !== 'action') return [];
  const def = actionDef(rules, event.action);
  return Object.entries(event.fields).map(([name, value]) => {
    const field = def?.fields.find((f) => f.name === name);
    const shown = field?.type === 'unit' ? html`<${UnitName} code=${value} />` : value;
    return [field?.label ?? name, field?.type === 'boolean' ? t(value === 'true' ? 'yes' : 'no') : shown];
  });
}

function History({ id, revision, rules }) {
  const state = useLoad(() => get(`${issuePath(id)}/events`), [id, revision]);
  return html`<section class="panel" aria-labelledby="history-heading">
    <h2 id="history-heading">${t('issue.history')}</h2>
    <${Loaded} state=${state}>
      ${({ items }) => html`<ol class="timeline">
        ${[...items].reverse().map(
          (e) => html`<li class=${`event event-${e.type}`} key=${e.version}>
            <div class="event-head">
              <strong>${eventTitle(e, rules)}</strong>
              ${
                e.from !== e.to &&
                e.to &&
                html`<span class="muted">
                ${e.from ? t('event.transition', { from: stateLabel(rules, e.from), to: stateLabel(rules, e.to) }) : stateLabel(rules, e.to)}
              </span>`
              }
            </div>
            <div class="muted small">${t('event.actor', { actor: e.actor, time: dateTime(e.at) })}</div>
            ${e.comment && html`<p class="comment">${e.comment}</p>`}
            ${
              eventFields(e, rules).length > 0 &&
              html`<ul class="event-fields">
              ${eventFields(e, rules).map(([label, value]) => html`<li>${label && html`${label}：`}${value}</li>`)}
            </ul>`
            }
            ${e.deadline && html`<p class="small">${t('event.deadline', { date: e.deadline.date })}</p>`}
          </li>`,
        )}
      </ol>`}
    <//>
  </section>`;
}
