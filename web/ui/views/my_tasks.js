// 我的任务: the problems the user's unit is responsible for and that are not
// cleared yet, soonest deadline first, as the API orders and pages them.
import { html } from '../preact.js';
import { t } from '../i18n.js';
import { PageTitle } from '../components.js';
import { PagedIssues } from './issue_list.js';

export function MyTasks({ user }) {
  return html`
    <${PageTitle}>${t('tasks.title')}<//>
    <p class="muted">${t('tasks.intro', { unit: user.unit_name })}</p>
    <${PagedIssues}
      query=${{ responsible_unit: user.unit, cleared: 'false', sort: 'deadline' }}
      empty=${t('tasks.none')}
      showActions
    />
  `;
}
