// The page: restores the session, then shows the sign-in form or the view
// the hash names, inside the header and navigation every view shares.
import { html, render, useEffect, useRef, useState } from './preact.js';
import { session, setCsrfToken, whenSignedOut } from './api.js';
import { language, setLanguage, t } from './i18n.js';
import { forgetReference, hasRole, loadRules } from './reference.js';
import { setTimeZone } from './format.js';
import { href, navigate, useRoute } from './router.js';
import { ErrorNote, Loading } from './components.js';
import { SignIn } from './views/sign_in.js';
import { BattleMap } from './views/battle_map.js';
import { IssueList } from './views/issue_list.js';
import { IssuePage } from './views/issue_page.js';
import { MyTasks } from './views/my_tasks.js';
import { QuickLog } from './views/quick_log.js';
import { WeeklyReport } from './views/weekly_report.js';

// What each role sees first after signing in.
function landingPath(user, rules) {
  if (hasRole(user, ['supervisor', 'admin'])) return '/map';
  if (hasRole(user, ['responsible'])) return '/tasks';
  if (hasRole(user, rules.create_roles)) return '/log';
  return '/issues';
}

function navItems(user, rules) {
  return [
    { path: '/map', key: 'nav.map', show: true },
    { path: '/issues', key: 'nav.issues', show: true },
    { path: '/tasks', key: 'nav.tasks', show: hasRole(user, ['responsible']) },
    { path: '/log', key: 'nav.log', show: hasRole(user, rules.create_roles) },
    { path: '/report', key: 'nav.report', show: true },
  ].filter((item) => item.show);
}

function route(path) {
  const issue = path.match(/^\/issues\/(\d+)$/);
  if (issue) return [IssuePage, { id: issue[1] }];
  const views = {
    '/map': BattleMap,
    '/issues': IssueList,
    '/tasks': MyTasks,
    '/log': QuickLog,
    '/report': WeeklyReport,
  };
  return views[path] ? [views[path], {}] : [null, {}];
}

function Header({ user, rules, path, onLanguage, onSignOut }) {
  return html`<header class="top">
    <div class="brand">
      <a href="#/" class="brand-name">${t('app.name')}</a>
      <span class="brand-tagline">${rules.campaign.name}</span>
    </div>
    <nav aria-label=${t('nav.label')}>
      <ul>
        ${navItems(user, rules).map(
          (item) => html`<li>
            <a href=${href(item.path)} aria-current=${path.startsWith(item.path) ? 'page' : undefined}>
              ${t(item.key)}
            </a>
          </li>`,
        )}
      </ul>
    </nav>
    <div class="user">
      <span class="user-name" title=${t('user.label')}>${user.display_name} · ${user.unit_name}</span>
      <button type="button" class="link" lang=${language() === 'zh' ? 'en' : 'zh-CN'}
        aria-label=${t('lang.switchLabel')} onClick=${onLanguage}>${t('lang.switch')}</button>
      <button type="button" class="secondary" onClick=${onSignOut}>${t('user.signOut')}</button>
    </div>
  </header>`;
}

function SignedIn({ user, onSignOut, onLanguage }) {
  const { path, params } = useRoute();
  const [rules, setRules] = useState(null);
  const [error, setError] = useState(null);
  const load = () => {
    setError(null);
    loadRules().then((r) => {
      setTimeZone(r.campaign.time_zone);
      setRules(r);
    }, setError);
  };
  useEffect(load, []);

  useEffect(() => {
    if (rules && (path === '/' || path === '')) navigate(landingPath(user, rules));
  }, [rules, path]);
  // A new view starts at the top, and a screen reader starts reading there.
  const firstView = useRef(true);
  useEffect(() => {
    window.scrollTo(0, 0);
    if (!firstView.current) document.getElementById('main')?.focus({ preventScroll: true });
    firstView.current = false;
  }, [path]);

  if (error) return html`<main id="main" class="page"><${ErrorNote} error=${error} retry=${load} /></main>`;
  if (!rules) return html`<main id="main" class="page"><${Loading} /></main>`;
  const [View, props] = route(path);
  return html`
    <a class="skip" href="#main" onClick=${skipToMain}>${t('app.skip')}</a>
    <${Header} user=${user} rules=${rules} path=${path} onLanguage=${onLanguage} onSignOut=${onSignOut} />
    <main id="main" class="page" tabindex="-1">
      ${
        View
          ? html`<${View} key=${path} ...${props} params=${params} user=${user} rules=${rules} lang=${language()} />`
          : path !== '/' && html`<p>${t('app.notFound')}</p>`
      }
    </main>
  `;
}

// The skip link must not change the hash, which holds the route.
function skipToMain(event) {
  event.preventDefault();
  document.getElementById('main')?.focus();
}

function App() {
  const [state, setState] = useState({ checking: true, user: null, notice: null });
  const [, setLang] = useState(language());

  const signedIn = (answer) => {
    setCsrfToken(answer.csrf_token);
    setState({ checking: false, user: answer.user, notice: null });
  };
  const signedOut = (notice = null) => {
    setCsrfToken(null);
    forgetReference();
    setState({ checking: false, user: null, notice });
  };

  useEffect(() => {
    whenSignedOut(() => signedOut('error.expired'));
    session.restore().then(signedIn, () => signedOut());
  }, []);

  const switchLanguage = () => {
    setLanguage(language() === 'zh' ? 'en' : 'zh');
    setLang(language());
  };
  const signOut = () => {
    session.signOut().finally(() => {
      signedOut();
      location.hash = '#/';
    });
  };

  if (state.checking) return html`<main id="main" class="page"><${Loading} /></main>`;
  if (!state.user) {
    return html`<${SignIn} notice=${state.notice} onSignedIn=${signedIn} onLanguage=${switchLanguage} />`;
  }
  return html`<${SignedIn}
    key=${state.user.name}
    user=${state.user}
    onSignOut=${signOut}
    onLanguage=${switchLanguage}
  />`;
}

const root = document.getElementById('app');
root.textContent = ''; // the "loading" line index.html shows until now
render(html`<${App} />`, root);
