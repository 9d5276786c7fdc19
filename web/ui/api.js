// Talking to the qingling API from the page: the session cookie travels by
// itself (same origin), every write carries the session's CSRF token, and
// errors arrive as ApiError holding the problem+json body.

let csrfToken = null;
let onSignedOut = () => {};

export function setCsrfToken(token) {
  csrfToken = token;
}

// Called when an API call answers 401 after sign-in: the session expired.
export function whenSignedOut(callback) {
  onSignedOut = callback;
}

export class ApiError extends Error {
  constructor(status, problem, retryAfter) {
    super((problem && problem.detail) || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
    this.retryAfter = retryAfter;
  }

  // The {field: message} pairs of a 422, keyed by field name.
  fieldErrors() {
    const out = {};
    for (const e of this.problem.errors || []) out[e.field] = e.message;
    return out;
  }
}

// A network failure (no answer at all), as distinct from an error answer.
export class NetworkError extends Error {}

export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params || {})) {
    if (value !== undefined && value !== null && value !== '') search.set(key, value);
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

async function request(method, path, { json, body, headers = {}, quietUnauthenticated } = {}) {
  const init = { method, headers: { Accept: 'application/json', ...headers }, credentials: 'same-origin' };
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) init.headers['X-CSRF-Token'] = csrfToken;
  if (json !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(json);
  } else if (body !== undefined) {
    init.body = body;
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (e) {
    throw new NetworkError(e.message);
  }
  if (response.status === 204) return null;
  const type = response.headers.get('Content-Type') || '';
  const data = type.includes('json') ? await response.json().catch(() => null) : null;
  if (!response.ok) {
    if (response.status === 401 && !quietUnauthenticated) onSignedOut();
    throw new ApiError(response.status, data, response.headers.get('Retry-After'));
  }
  return data;
}

export const get = (path, params) => request('GET', path + query(params));
export const post = (path, json, headers) => request('POST', path, { json, headers });

// Sign-in calls answer 401 as an expected outcome, not as an expired session.
export const session = {
  restore: () => request('GET', '/api/v1/session', { quietUnauthenticated: true }),
  signIn: (name, password) =>
    request('POST', '/api/v1/session', { json: { name, password }, quietUnauthenticated: true }),
  signOut: () => request('DELETE', '/api/v1/session', { quietUnauthenticated: true }),
};

export function issuePath(id) {
  return `/api/v1/issues/${encodeURIComponent(id)}`;
}

// Takes a workflow action on the version the page holds (If-Match).
export function takeAction(issue, action, body) {
  return request('POST', `${issuePath(issue.id)}/actions/${encodeURIComponent(action)}`, {
    json: body,
    headers: { 'If-Match': `"${issue.version}"` },
  });
}

// Uploads files as multipart parts named `file`; answers {issue, attached}.
export function uploadEvidence(id, files) {
  const form = new FormData();
  for (const file of files) form.append('file', file, file.name);
  return request('POST', `${issuePath(id)}/evidence`, { body: form });
}

export function ledgerUrl(unit, format = 'xlsx') {
  return `/api/v1/export/ledger${query({ unit, format })}`;
}
