// 周报: the weekly report of a jurisdiction for one ISO week, drawn from
// GET /api/v1/reports/weekly as the API answers it.
import { html, useState } from '../preact.js';
import { get } from '../api.js';
import { t } from '../i18n.js';
import { dateTime, number, percent, signed } from '../format.js';
import { href, navigate } from '../router.js';
import { useLoad } from '../hooks.js';
import { LevelBadge, Loaded, PageTitle, TableScroll } from '../components.js';
import { CategoryTable, RankingTable } from './tables.js';

export function WeeklyReport({ params }) {
  const { week = '', unit = '' } = params;
  const state = useLoad(() => get('/api/v1/reports/weekly', { week, unit }), [week, unit]);
  return html`
    <${PageTitle}>${t('report.title')}<//>
    <${WeekPicker} key=${week || state.data?.week} week=${week || state.data?.week || ''} unit=${unit} />
    <${Loaded} state=${state}>${(report) => html`<${Report} report=${report} />`}<//>
  `;
}

function WeekPicker({ week, unit }) {
  const [value, setValue] = useState(week);
  const submit = (event) => {
    event.preventDefault();
    navigate('/report', { week: value, unit });
  };
  return html`<form class="inline-form" onSubmit=${submit}>
    <div class="field">
      <label for="report-week">${t('report.week')}</label>
      <input id="report-week" type="week" value=${value} pattern="[0-9]{4}-W[0-9]{2}" placeholder="2026-W40"
        onInput=${(e) => setValue(e.target.value)} />
    </div>
    <button type="submit">${t('report.show')}</button>
  </form>`;
}

function Report({ report }) {
  return html`<article class="report">
    <header class="panel">
      <h2>${t('report.heading', { issuer: report.issuer, week: report.week })}</h2>
      <p>${report.campaign.name} · ${report.unit.name}</p>
      <p class="muted">
        ${t('report.period', { monday: report.monday, sunday: report.sunday, time: dateTime(report.as_of) })}
      </p>
    </header>
    <${Totals} report=${report} />
    <${ByCategory} report=${report} />
    <${Ranking} ranking=${report.ranking} />
    <${OverdueTable} items=${report.overdue} />
    <${IssueList} id="due" title=${t('report.dueNextWeek')} items=${report.due_next_week}
      line=${(i) => html`${i.unit.name} · ${i.deadline} <${LevelBadge} level=${i.level} />`} />
    <${IssueList} id="returns" title=${t('report.returns')} items=${report.returns}
      line=${(i) => html`${i.action_label} · ${i.local_date} · ${i.actor}${i.comment && `：${i.comment}`}`} />
    <section class="panel" aria-labelledby="requirements-heading">
      <h2 id="requirements-heading">${t('report.requirements')}</h2>
      <p class="requirements">${report.requirements || t('report.none')}</p>
    </section>
  </article>`;
}

function Totals({ report }) {
  const now = report.totals;
  const before = report.previous.totals;
  const c = report.changes;
  const rows = [
    ['fig.total', number(now.total), number(before.total)],
    ['report.new', number(now.new), number(before.new), signed(c.new)],
    [
      'report.clearedThisWeek',
      number(now.cleared_this_week),
      number(before.cleared_this_week),
      signed(c.cleared_this_week),
    ],
    ['fig.cleared', number(now.cleared), number(before.cleared), signed(c.cleared)],
    [
      'fig.clearance_rate',
      percent(now.clearance_rate),
      percent(before.clearance_rate),
      t('report.points', { n: signed(c.clearance_rate_points, 1) }),
    ],
    ['fig.open', number(now.open), number(before.open)],
    ['fig.long_term', number(now.long_term), number(before.long_term)],
    ['fig.overdue', number(now.overdue), number(before.overdue), signed(c.overdue)],
    ['level.red', number(now.overdue_by_level.red), number(before.overdue_by_level.red), signed(c.red)],
    [
      'level.yellow',
      number(now.overdue_by_level.yellow),
      number(before.overdue_by_level.yellow),
      signed(c.yellow),
    ],
    ['report.onTimeRate', percent(now.on_time_rate), percent(before.on_time_rate)],
    ['report.overdueRate', percent(now.overdue_rate), percent(before.overdue_rate)],
    ['report.rejected', number(now.rejected), number(before.rejected)],
    ['report.reopened', number(now.reopened), number(before.reopened)],
  ];
  return html`<section class="panel" aria-labelledby="totals-heading">
    <h2 id="totals-heading">${t('report.totals')}</h2>
    <${TableScroll} label=${t('report.totals')}>
      <table class="numbers">
        <thead>
          <tr>
            <th scope="col"><span class="visually-hidden">${t('report.totals')}</span></th>
            <th scope="col">${report.week}</th>
            <th scope="col">${t('report.previousWeek', { week: report.previous.week })}</th>
            <th scope="col">${t('report.change')}</th>
          </tr>
        </thead>
        <tbody>
          ${rows.map(
            ([key, value, previous, change]) => html`<tr>
              <th scope="row">${t(key)}</th>
              <td>${value}</td>
              <td>${previous}</td>
              <td>${change ?? ''}</td>
            </tr>`,
          )}
        </tbody>
      </table>
    <//>
  </section>`;
}

function ByCategory({ report }) {
  return html`<section class="panel" aria-labelledby="category-heading">
    <h2 id="category-heading">${t('report.byCategory')}</h2>
    <${CategoryTable} states=${report.states} rows=${report.by_category} label=${t('report.byCategory')} />
  </section>`;
}

function Ranking({ ranking }) {
  return html`<section class="panel" aria-labelledby="report-ranking-heading">
    <h2 id="report-ranking-heading">${t('report.ranking')}</h2>
    ${
      ranking.length === 0
        ? html`<p class="muted">${t('report.none')}</p>`
        : html`<${RankingTable} rows=${ranking} label=${t('report.ranking')} withChange=${true} />`
    }
  </section>`;
}

function OverdueTable({ items }) {
  return html`<section class="panel" aria-labelledby="report-overdue-heading">
    <h2 id="report-overdue-heading">${t('report.overdue')}</h2>
    ${
      items.length === 0
        ? html`<p class="muted">${t('report.none')}</p>`
        : html`<${TableScroll} label=${t('report.overdue')}>
          <table>
            <thead>
              <tr>
                <th scope="col">${t('col.title')}</th>
                <th scope="col">${t('col.unit')}</th>
                <th scope="col">${t('col.deadline')}</th>
                <th scope="col">${t('fig.overdue')}</th>
                <th scope="col">${t('col.level')}</th>
                <th scope="col">${t('report.lastStep')}</th>
              </tr>
            </thead>
            <tbody>
              ${items.map(
                (i) => html`<tr>
                  <td><a href=${href(`/issues/${i.id}`)}>#${i.id} ${i.title}</a></td>
                  <td>${i.unit.name}</td>
                  <td class="nowrap">${i.deadline}</td>
                  <td class="nowrap">${t('map.daysOverdue', { n: i.days_overdue })}</td>
                  <td><${LevelBadge} level=${i.level} /></td>
                  <td>${i.last_step || '—'}</td>
                </tr>`,
              )}
            </tbody>
          </table>
        <//>`
    }
  </section>`;
}

function IssueList({ id, title, items, line }) {
  return html`<section class="panel" aria-labelledby=${`${id}-heading`}>
    <h2 id=${`${id}-heading`}>${title}</h2>
    ${
      items.length === 0
        ? html`<p class="muted">${t('report.none')}</p>`
        : html`<ul class="issue-links">
          ${items.map(
            (i) => html`<li>
              <a href=${href(`/issues/${i.id}`)}>#${i.id} ${i.title}</a>
              <span class="muted small">${line(i)}</span>
            </li>`,
          )}
        </ul>`
    }
  </section>`;
}
