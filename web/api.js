// @ts-check
/** The HTTP API, with the bearer token the user gave (kept for this browser tab only). */

const TOKEN_KEY = 'aigen.apiToken';

/** An error answer of the API: `{ error: { code, message } }` with its HTTP status. */
export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {string} code
   * @param {string} message
   */
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** @returns {string | null} */
export function getToken() {
  return sessionStorage.getItem(TOKEN_KEY);
}

/** @param {string | null} token */
export function setToken(token) {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

/**
 * Request headers with the token, if any.
 * @param {Record<string, string>} [extra]
 * @returns {Record<string, string>}
 */
export function authHeaders(extra = {}) {
  const token = getToken();
  return token ? { ...extra, Authorization: `Bearer ${token}` } : extra;
}

/**
 * The `{ error: { code, message } }` of an error answer, if it is one.
 * @param {unknown} json
 * @returns {{ code: string, message: string } | undefined}
 */
function errorOf(json) {
  if (typeof json !== 'object' || json === null || !('error' in json)) return undefined;
  const err = json.error;
  if (typeof err !== 'object' || err === null) return undefined;
  return { code: 'code' in err ? String(err.code) : 'ERROR', message: 'message' in err ? String(err.message) : '' };
}

/**
 * Call the API and parse its JSON answer; an error answer throws {@link ApiError}. The answer is
 * `unknown`: the caller casts it to the route's type (see types.d.ts). Every command (any method
 * but GET) is sent as `application/json`, with or without a body: the server refuses others.
 * @param {string} path
 * @param {{ method?: string, body?: unknown, signal?: AbortSignal }} [options]
 * @returns {Promise<unknown>}
 */
export async function api(path, options = {}) {
  const method = options.method ?? 'GET';
  const headers = authHeaders(method === 'GET' ? { Accept: 'application/json' } : { Accept: 'application/json', 'Content-Type': 'application/json' });
  /** @type {RequestInit} */
  const init = { method, headers };
  if (options.body !== undefined) init.body = JSON.stringify(options.body);
  if (options.signal) init.signal = options.signal;
  const res = await fetch(path, init);
  const text = await res.text();
  /** @type {unknown} */
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!res.ok) {
    const err = errorOf(json) ?? { code: `HTTP_${res.status}`, message: text || res.statusText };
    throw new ApiError(res.status, err.code, err.message);
  }
  return json;
}
