// Hash routing (#/issues/12?state=rectifying): the server answers index.html
// at "/" only, so the route lives after the "#".
import { useEffect, useState } from './preact.js';
import { query } from './api.js';

export function currentRoute() {
  const hash = location.hash.replace(/^#/, '') || '/';
  const [path, search = ''] = hash.split('?');
  return { path: path || '/', params: Object.fromEntries(new URLSearchParams(search)) };
}

export function href(path, params) {
  return `#${path}${query(params)}`;
}

export function navigate(path, params) {
  const target = href(path, params);
  if (location.hash === target) window.dispatchEvent(new HashChangeEvent('hashchange'));
  else location.hash = target;
}

export function useRoute() {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const changed = () => setRoute(currentRoute());
    window.addEventListener('hashchange', changed);
    return () => window.removeEventListener('hashchange', changed);
  }, []);
  return route;
}
