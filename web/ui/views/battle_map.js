// 挂图作战: a jurisdiction at a glance, from GET /api/v1/dashboard. Every
// figure is the API's; the page only lays them out.
import { html } from '../preact.js';
import { get, ledgerUrl } from '../api.js';
import { t } from '../i18n.js';
import { dateTime, number, percent } from '../format.js';
import { href } from '../router.js';
import { useLoad } from '../hooks.js';
import { LevelBadge, Loaded, PageTitle } from '../components.js';
import { BurndownChart } from './burndown_chart.js';
import { CategoryTable, RankingTable } from './tables.js';

export function BattleMap({ params, lang }) {
  const unit = params.unit || '';
  const state = useLoad(() => get('/api/v1/dashboard', { unit }), [unit]);
  return html`<${Loaded} state=${state}>${(board) => html`<${Board} board=${board} lang=${lang} />`}<//>`;
}

function Board({ board, lang }) {
  const unit = board.unit.code;
  return html`
    <${PageTitle}
      actions=${html`
        <a class="button secondary" href=${href('/report', { unit })}>${t('map.weekly')}</a>
        <a class="button" href=${ledgerUrl(unit)} download>${t('map.export')}</a>
      `}
    >${`${t('map.title')} · ${board.unit.name}`}<//>
    <${Breadcrumbs} path=${board.path} unit=${board.unit} />
    <p class="muted">${t('map.asOf', { time: dateTime(board.as_of), today: board.today })}</p>
    <${Headline} headline=${board.headline} />
    <div class="columns">
      <section aria-labelledby="children-heading" class="panel">
        <h2 id="children-heading">${t('map.children')}</h2>
        <${UnitGrid} children=${board.children} />
      </section>
      <section aria-labelledby="burndown-heading" class="panel">
        <h2 id="burndown-heading">${t('map.burndown')}</h2>
        <${BurndownChart} burndown=${board.burndown} lang=${lang} />
      </section>
    </div>
    <section aria-labelledby="matrix-heading" class="panel">
      <h2 id="matrix-heading">${t('map.matrix')}</h2>
      <${Matrix} unit=${unit} states=${board.states} rows=${board.by_category} />
    </section>
    <section aria-labelledby="ranking-heading" class="panel">
      <h2 id="ranking-heading">${t('map.ranking')}</h2>
      <${Ranking} children=${board.children} />
    </section>
    <section aria-labelledby="overdue-heading" class="panel">
      <h2 id="overdue-heading">${t('map.overdue')}</h2>
      <${OverdueList} items=${board.overdue} counts=${board.headline.overdue_by_level} />
    </section>
  `;
}

function Breadcrumbs({ path, unit }) {
  return html`<nav aria-label=${t('map.breadcrumbs')} class="breadcrumbs">
    <ol>
      ${path.map((u) => html`<li><a href=${href('/map', { unit: u.code })}>${u.name}</a></li>`)}
      <li><span aria-current="page">${unit.name}</span></li>
    </ol>
  </nav>`;
}

function Headline({ headline }) {
  const figures = [
    ['total', number(headline.total)],
    ['cleared', number(headline.cleared)],
    ['clearance_rate', percent(headline.clearance_rate)],
    ['open', number(headline.open)],
    ['overdue', number(headline.overdue), t('fig.overdueByLevel', headline.overdue_by_level)],
    ['due_this_week', number(headline.due_this_week)],
  ];
  return html`<section aria-label=${t('map.headline')}>
    <dl class="figures">
      ${figures.map(
        ([key, value, note]) => html`<div class=${`figure figure-${key}`}>
          <dt>${t(`fig.${key}`)}</dt>
          <dd data-figure=${key}>${value}</dd>
          ${note && html`<dd class="figure-note">${note}</dd>`}
        </div>`,
      )}
    </dl>
  </section>`;
}

// The tile's fill says the clearance rate, its border the worst warning. A
// unit with no problems has no rate to show.
function rateClass(unit) {
  const rate = unit.rate;
  if (unit.total === 0) return 'rate-none';
  if (rate >= 0.8) return 'rate-high';
  if (rate >= 0.5) return 'rate-mid';
  return 'rate-low';
}

function UnitGrid({ children }) {
  if (children.length === 0) return html`<p class="muted">${t('map.noChildren')}</p>`;
  return html`
    <p class="muted small">${t('map.childrenHint')}</p>
    <ul class="legend" aria-hidden="true">
      <li><span class="swatch rate-high"></span>${t('map.legendHigh')}</li>
      <li><span class="swatch rate-mid"></span>${t('map.legendMid')}</li>
      <li><span class="swatch rate-low"></span>${t('map.legendLow')}</li>
    </ul>
    <ul class="unit-grid">
      ${children.map((c) => {
        const warn = c.red > 0 ? 'warn-red' : c.yellow > 0 ? 'warn-yellow' : '';
        const target = c.has_children
          ? href('/map', { unit: c.unit.code })
          : href('/issues', { unit: c.unit.code });
        return html`<li>
          <a class=${`tile ${rateClass(c)} ${warn}`} href=${target} data-unit=${c.unit.code}>
            <span class="tile-name">${c.unit.name}</span>
            <span class="tile-rate">${c.total === 0 ? '—' : percent(c.rate)}</span>
            <span class="tile-counts">${number(c.cleared)}/${number(c.total)}</span>
            ${c.overdue > 0 && html`<span class="tile-overdue">${t('map.tileOverdue', c)}</span>`}
          </a>
        </li>`;
      })}
    </ul>
  `;
}

function Matrix({ unit, states, rows }) {
  return html`<${CategoryTable} states=${states} rows=${rows} label=${t('map.matrix')} unit=${unit} />`;
}

function Ranking({ children }) {
  if (children.length === 0) return html`<p class="muted">${t('map.noChildren')}</p>`;
  return html`<${RankingTable} rows=${children} label=${t('map.ranking')} />`;
}

// The list holds at most 100 problems; the counts per level are the API's.
function OverdueList({ items, counts }) {
  if (items.length === 0) return html`<p class="muted">${t('map.noOverdue')}</p>`;
  return ['red', 'yellow', 'green'].map((level) => {
    const group = items.filter((i) => i.level === level);
    if (group.length === 0) return null;
    return html`<div class="overdue-group" key=${level}>
      <h3><${LevelBadge} level=${level} /> <span class="muted">(${number(counts[level])})</span></h3>
      <ul class="issue-links">
        ${group.map(
          (i) => html`<li>
            <a href=${href(`/issues/${i.id}`)}>#${i.id} ${i.title}</a>
            <span class="muted small">
              ${i.unit.name} · ${t('col.deadline')} ${i.deadline} · ${t('map.daysOverdue', { n: i.days_overdue })}
            </span>
          </li>`,
        )}
      </ul>
    </div>`;
  });
}
