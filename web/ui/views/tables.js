// The tables the battle map and the weekly report both show, drawn from
// the same API shapes: problems by category and state, and the ranking of
// child units.
import { html } from '../preact.js';
import { t } from '../i18n.js';
import { number, percent, signed } from '../format.js';
import { href } from '../router.js';
import { TableScroll } from '../components.js';

// `states` as [{state, label}], each row's counts as {state: count}. With
// `unit`, a category opens the list of that unit's problems of it.
export function CategoryTable({ states, rows, label, unit }) {
  return html`<${TableScroll} label=${label}>
    <table class="numbers">
      <thead>
        <tr>
          <th scope="col">${t('map.category')}</th>
          ${states.map((s) => html`<th scope="col">${s.label}</th>`)}
          <th scope="col">${t('map.total')}</th>
        </tr>
      </thead>
      <tbody>
        ${rows.map(
          (row) => html`<tr>
            <th scope="row">
              ${unit === undefined
                ? row.label
                : html`<a href=${href('/issues', { category: row.category, unit })}>${row.label}</a>`}
            </th>
            ${states.map((s) => html`<td>${number(row.states[s.state] ?? 0)}</td>`)}
            <td><strong>${number(row.total)}</strong></td>
          </tr>`,
        )}
      </tbody>
    </table>
  <//>`;
}

// Rank (and, for a report, the change since last week), rate, counts and
// the 流动红旗 / 黄牌 / 集体谈话 marks.
export function RankingTable({ rows, label, withChange = false }) {
  return html`<${TableScroll} label=${label}>
    <table class="numbers ranking">
      <thead>
        <tr>
          <th scope="col">${t('map.rank')}</th>
          ${withChange && html`<th scope="col">${t('report.rankChange')}</th>`}
          <th scope="col">${t('map.unit')}</th>
          <th scope="col">${t('map.rate')}</th>
          <th scope="col">${t('fig.total')}</th>
          <th scope="col">${t('fig.cleared')}</th>
          <th scope="col">${t('fig.overdue')}</th>
          <th scope="col">${t('level.red')}</th>
          <th scope="col">${t('level.yellow')}</th>
          <th scope="col">${t('map.daysOverdueSum')}</th>
          <th scope="col">${t('map.flags')}</th>
        </tr>
      </thead>
      <tbody>
        ${rows.map(
          (r) => html`<tr key=${r.unit.code}>
            <td>${r.rank}</td>
            ${withChange && html`<td>${signed(r.rank_change)}</td>`}
            <th scope="row">${r.unit.name}</th>
            <td>${percent(r.rate)}</td>
            <td>${number(r.total)}</td>
            <td>${number(r.cleared)}</td>
            <td>${number(r.overdue)}</td>
            <td>${number(r.red)}</td>
            <td>${number(r.yellow)}</td>
            <td>${number(r.days_overdue)}</td>
            <td class="flags">
              ${r.red_flag && html`<span class="flag red-flag">${t('map.redFlag')}</span>`}
              ${r.yellow_card && html`<span class="flag yellow-card">${t('map.yellowCard')}</span>`}
              ${r.talk && html`<span class="flag talk">${t('report.talk')}</span>`}
            </td>
          </tr>`,
        )}
      </tbody>
    </table>
  <//>`;
}
