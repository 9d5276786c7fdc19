// 我的任务: the open problems the user's unit is responsible for, by deadline.
// The API lists newest first and filters one state at a time, so this asks
// for each state that does not count as cleared and orders what comes back.
import { html } from '../preact.js';
import { get } from '../api.js';
import { t } from '../i18n.js';
import { useLoad } from '../hooks.js';
import { Loaded, PageTitle } from '../components.js';
import { IssueTable } from './issue_list.js';

const kPageSize = 200;
const kMaxPages = 10; // per state: 2,000 problems

async function openIssues(unit, states) {
  const items = [];
  let truncated = false;
  for (const state of states) {
    let cursor = null;
    for (let page = 0; ; page++) {
      if (page === kMaxPages) {
        truncated = true;
        break;
      }
      const answer = await get('/api/v1/issues', { responsible_unit: unit, state, limit: kPageSize, cursor });
      items.push(...answer.items);
      cursor = answer.next_cursor;
      if (!cursor) break;
    }
  }
  items.sort((a, b) => (a.deadline ?? '9999').localeCompare(b.deadline ?? '9999') || a.id - b.id);
  return { items, truncated };
}

export function MyTasks({ user, rules }) {
  const states = rules.states.filter((s) => !s.cleared && s.name !== rules.initial_state).map((s) => s.name);
  const state = useLoad(() => openIssues(user.unit, states), [user.unit]);
  return html`
    <${PageTitle}>${t('tasks.title')}<//>
    <p class="muted">${t('tasks.intro', { unit: user.unit_name })}</p>
    <${Loaded} state=${state}>
      ${({ items, truncated }) => html`
        ${truncated && html`<p class="note">${t('tasks.truncated', { n: items.length })}</p>`}
        ${items.length === 0 ? html`<p class="muted">${t('tasks.none')}</p>` : html`<${IssueTable} items=${items} showActions />`}
      `}
    <//>
  `;
}
