// The sign-in form: name and password, an error for a wrong pair (401) or
// for too many attempts (429, with the wait the server asks for).
import { html, useEffect, useState } from '../preact.js';
import { ApiError, session } from '../api.js';
import { t } from '../i18n.js';
import { errorText } from '../components.js';

export function SignIn({ notice, onSignedIn, onLanguage }) {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(notice ? t(notice) : null);

  useEffect(() => {
    document.title = `${t('signIn.title')} · ${t('app.name')}`;
  }, []);

  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await session.signIn(name.trim(), password));
    } catch (e) {
      setPassword('');
      if (e instanceof ApiError && e.status === 401) setError(t('signIn.wrong'));
      else if (e instanceof ApiError && e.status === 429) {
        setError(t('signIn.tooMany', { seconds: e.retryAfter || '60' }));
      } else setError(errorText(e));
      setBusy(false);
    }
  };

  return html`<main id="main" class="sign-in">
    <div class="sign-in-card">
      <div class="sign-in-head">
        <h1>${t('app.name')} <span class="muted">${t('signIn.title')}</span></h1>
        <button type="button" class="link" onClick=${onLanguage} aria-label=${t('lang.switchLabel')}>
          ${t('lang.switch')}
        </button>
      </div>
      <p class="muted">${t('signIn.intro')}</p>
      <form onSubmit=${submit} class="stack">
        <div class="field">
          <label for="sign-in-name">${t('signIn.name')}</label>
          <input id="sign-in-name" name="username" autocomplete="username" required autocapitalize="off"
            value=${name} onInput=${(e) => setName(e.target.value)} />
        </div>
        <div class="field">
          <label for="sign-in-password">${t('signIn.password')}</label>
          <input id="sign-in-password" name="password" type="password" autocomplete="current-password" required
            value=${password} onInput=${(e) => setPassword(e.target.value)} />
        </div>
        ${error && html`<p class="note error" role="alert">${error}</p>`}
        <button type="submit" disabled=${busy}>${busy ? t('signIn.busy') : t('signIn.submit')}</button>
      </form>
    </div>
  </main>`;
}
