/** The longest delay a server's `Retry-After` may impose on a step retry: 60 seconds. */
export const MAX_RETRY_AFTER_MS = 60_000;

/** HTTP statuses of a request that will fail the same way however often it is sent. */
function isPermanentStatus(status: number): boolean {
  return status >= 400 && status < 500 && status !== 408 && status !== 409 && status !== 429;
}

/** The error and its causes (a few levels deep): SDKs wrap the HTTP error they got. */
function* chain(err: unknown): Generator<Record<string, unknown>> {
  let current = err;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    yield current as Record<string, unknown>;
    current = (current as { cause?: unknown }).cause;
  }
}

/**
 * True when retrying cannot help: the error says `retryable: false`, or the server answered a
 * client error (400, 401, 403, 404, 422 …; not 408, 409 or 429). Anything else (5xx, 429,
 * timeouts, network errors, errors of unknown kind) may be retried.
 * @example
 * ```ts
 * isPermanentFailure(Object.assign(new Error('Incorrect API key'), { status: 401 })); // true
 * ```
 */
export function isPermanentFailure(err: unknown): boolean {
  for (const e of chain(err)) {
    if (e.retryable === false) return true;
    if (typeof e.status === 'number' && isPermanentStatus(e.status)) return true;
  }
  return false;
}

function header(headers: unknown, name: string): string | undefined {
  if (typeof headers !== 'object' || headers === null) return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const value = (headers as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * The delay a server asked for before the next request (`retry-after-ms`, or `Retry-After` in
 * seconds or as an HTTP date), capped at {@link MAX_RETRY_AFTER_MS}; undefined when it asked
 * for none.
 * @example
 * ```ts
 * retryAfterMs(Object.assign(new Error('rate limited'), { status: 429, headers: new Headers({ 'retry-after': '2' }) })); // 2000
 * ```
 */
export function retryAfterMs(err: unknown, now: number = Date.now()): number | undefined {
  for (const e of chain(err)) {
    const ms = header(e.headers, 'retry-after-ms');
    if (ms !== undefined && ms.trim() !== '' && Number.isFinite(Number(ms)) && Number(ms) >= 0) return Math.min(Number(ms), MAX_RETRY_AFTER_MS);
    const after = header(e.headers, 'retry-after');
    if (after === undefined || after.trim() === '') continue;
    const seconds = Number(after);
    if (Number.isFinite(seconds) && seconds >= 0) return Math.min(Math.round(seconds * 1000), MAX_RETRY_AFTER_MS);
    const date = Date.parse(after);
    if (Number.isFinite(date)) return Math.min(Math.max(0, date - now), MAX_RETRY_AFTER_MS);
  }
  return undefined;
}
