// 问题清单: the problems of the jurisdiction, filtered and ordered by what the
// API takes (GET /api/v1/issues: filters and `sort`), a page at a time
// through its cursor.
import { html, useEffect, useRef, useState } from '../preact.js';
import { get, ledgerUrl } from '../api.js';
import { t } from '../i18n.js';
import { href, navigate } from '../router.js';
import {
  ErrorNote,
  LevelBadge,
  Loading,
  PageTitle,
  Select,
  StateBadge,
  TableScroll,
  UnitPicker,
} from '../components.js';

const kFilters = [
  'state',
  'category',
  'severity',
  'source',
  'unit',
  'responsible_unit',
  'level',
  'overdue',
  'q',
];
const kPageSize = 50;

// The page's names for the API's orders.
const kOrders = { newest: '-id', id: 'id', deadline: 'deadline', deadline_latest: '-deadline', updated: '-updated' };

export function IssueList({ params, rules }) {
  const filters = Object.fromEntries(kFilters.map((k) => [k, params[k] || '']));
  const order = kOrders[params.sort] ? params.sort : 'newest';
  const exportUrl = ledgerUrl(filters.unit || undefined);
  return html`
    <${PageTitle} actions=${html`<a class="button secondary" href=${exportUrl} download>${t('issues.export')}</a>`}>
      ${t('issues.title')}
    <//>
    <${Filters} key=${JSON.stringify(params)} filters=${filters} order=${order} rules=${rules} />
    <${PagedIssues} query=${{ ...filters, sort: kOrders[order] }} empty=${t('issues.none')} />
  `;
}

// The problems GET /api/v1/issues lists for `query`, in its order, a page at
// a time ("load more"). A new query starts again from its first page; an
// answer to an earlier query is dropped.
export function PagedIssues({ query, empty, showActions = false }) {
  const [pages, setPages] = useState({ items: [], next: null, loading: true, error: null });
  const latest = useRef(0);
  const key = JSON.stringify(query);
  const fetchPage = (cursor) => {
    const mine = ++latest.current;
    // A first page clears the list at once: no rows of the last query linger.
    setPages((p) => ({ ...(cursor ? p : { items: [], next: null }), loading: true, error: null }));
    get('/api/v1/issues', { ...query, limit: kPageSize, cursor }).then(
      (page) =>
        mine === latest.current &&
        setPages((p) => ({
          items: cursor ? [...p.items, ...page.items] : page.items,
          next: page.next_cursor,
          loading: false,
          error: null,
        })),
      (error) => mine === latest.current && setPages((p) => ({ ...p, loading: false, error })),
    );
  };
  useEffect(() => fetchPage(null), [key]);

  const items = pages.items;
  return html`
    <${ErrorNote} error=${pages.error} retry=${() => fetchPage(pages.items.length ? pages.next : null)} />
    ${
      !pages.loading && !pages.error && items.length === 0
        ? html`<p class="muted">${empty}</p>`
        : html`<${IssueTable} items=${items} showActions=${showActions} />`
    }
    <div class="list-footer">
      <span class="muted" role="status">${t('issues.count', { n: items.length })}</span>
      ${
        pages.loading
          ? html`<${Loading} />`
          : pages.next
            ? html`<button type="button" class="secondary" onClick=${() => fetchPage(pages.next)}>
              ${t('issues.more')}
            </button>`
            : items.length > 0 && html`<span class="muted">${t('issues.end')}</span>`
      }
    </div>
  `;
}

function Filters({ filters, order, rules }) {
  const [draft, setDraft] = useState({ ...filters, sort: order });
  const set = (key) => (value) => setDraft((d) => ({ ...d, [key]: value }));
  const apply = (event) => {
    event.preventDefault();
    navigate('/issues', { ...draft, sort: draft.sort === 'newest' ? '' : draft.sort });
  };
  const states = rules.states.map((s) => ({ code: s.name, label: s.label }));
  const levels = ['red', 'yellow', 'green'].map((l) => ({ code: l, label: t(`level.${l}`) }));
  const orders = Object.keys(kOrders).map((o) => ({ code: o, label: t(`issues.sort.${o}`) }));
  // Folded on a phone unless a filter is set, so the list shows first.
  const [open] = useState(() => kFilters.some((k) => filters[k]) || matchMedia('(min-width: 720px)').matches);
  return html`<details class="panel filters-box" open=${open}>
    <summary>${t('issues.filters')}</summary>
    <form class="filters" onSubmit=${apply} aria-label=${t('issues.filters')}>
      <div class="field">
        <label for="f-q">${t('filter.q')}</label>
        <input id="f-q" type="search" value=${draft.q} onInput=${(e) => set('q')(e.target.value)} />
      </div>
      <${Select} id="f-state" label=${t('filter.state')} value=${draft.state} onChange=${set('state')}
        options=${states} anyLabel=${t('issues.any')} />
      <${Select} id="f-category" label=${t('filter.category')} value=${draft.category} onChange=${set('category')}
        options=${rules.categories} anyLabel=${t('issues.any')} />
      <${Select} id="f-severity" label=${t('filter.severity')} value=${draft.severity} onChange=${set('severity')}
        options=${rules.severities} anyLabel=${t('issues.any')} />
      <${Select} id="f-source" label=${t('filter.source')} value=${draft.source} onChange=${set('source')}
        options=${rules.sources} anyLabel=${t('issues.any')} />
      <${Select} id="f-level" label=${t('filter.level')} value=${draft.level} onChange=${set('level')}
        options=${levels} anyLabel=${t('issues.any')} />
      <${UnitPicker} id="f-unit" label=${t('filter.unit')} value=${draft.unit} onChange=${set('unit')}
        emptyLabel=${t('unit.any')} />
      <${UnitPicker} id="f-responsible" label=${t('filter.responsible_unit')} value=${draft.responsible_unit}
        onChange=${set('responsible_unit')} emptyLabel=${t('unit.any')} />
      <div class="field checkbox">
        <input id="f-overdue" type="checkbox" checked=${draft.overdue === 'true'}
          onChange=${(e) => set('overdue')(e.target.checked ? 'true' : '')} />
        <label for="f-overdue">${t('filter.overdue')}</label>
      </div>
      <${Select} id="f-sort" label=${t('issues.sort')} value=${draft.sort} onChange=${set('sort')} options=${orders} />
      <div class="form-actions">
        <button type="submit">${t('issues.apply')}</button>
        <a class="button secondary" href=${href('/issues')}>${t('issues.reset')}</a>
      </div>
    </form>
  </details>`;
}

export function IssueTable({ items, showActions }) {
  return html`<${TableScroll} label=${t('issues.title')}>
    <table class="issues">
      <thead>
        <tr>
          <th scope="col">${t('col.id')}</th>
          <th scope="col">${t('col.title')}</th>
          <th scope="col">${t('col.state')}</th>
          <th scope="col">${t('col.deadline')}</th>
          <th scope="col">${t('col.level')}</th>
          <th scope="col">${t('col.unit')}</th>
          <th scope="col">${t('col.responsible')}</th>
        </tr>
      </thead>
      <tbody>
        ${items.map(
          (i) => html`<tr key=${i.id}>
            <td>${i.id}</td>
            <td class="title-cell">
              <a href=${href(`/issues/${i.id}`)}>${i.title}</a>
              ${showActions && i.actions.length > 0 && html` <span class="badge your-turn">${t('tasks.yourTurn')}</span>`}
            </td>
            <td><${StateBadge} state=${i.state} label=${i.state_label} /></td>
            <td class="nowrap">
              ${i.deadline || '—'}
              ${i.overdue && html`<br /><span class="overdue-text">${t('issue.overdue', { n: i.days_overdue })}</span>`}
            </td>
            <td><${LevelBadge} level=${i.level} /></td>
            <td>${i.unit_name || i.unit}</td>
            <td>${i.responsible_unit_name || i.responsible_unit || '—'}</td>
          </tr>`,
        )}
      </tbody>
    </table>
  <//>`;
}
