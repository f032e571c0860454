import type { ErrorInfo } from '../events/common.js';
import { errorMessage } from '../errors.js';
import { redact } from '../secrets.js';

/** Serialise any thrown value for an event, without stack traces or secrets. */
export function toErrorInfo(err: unknown): ErrorInfo {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return {
      code: typeof code === 'string' && code ? code : err.name === 'Error' ? 'ERROR' : err.name,
      message: redact(err.message),
      name: err.name,
    };
  }
  return { code: 'ERROR', message: redact(errorMessage(err)) };
}

/** Remove configured secrets and anything that looks like an API key or bearer token from a message. */
export { redact } from '../secrets.js';

/** Whether a failed model or step call is worth retrying (rate limits, 5xx, timeouts, network). */
export function isRetryable(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { retryable?: unknown; status?: unknown; code?: unknown; name?: unknown };
  if (typeof e.retryable === 'boolean') return e.retryable;
  if (typeof e.status === 'number') return e.status === 408 || e.status === 409 || e.status === 429 || e.status >= 500;
  if (e.name === 'AbortError') return false;
  return ['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'STEP_TIMEOUT', 'EPIPE'].includes(String(e.code));
}
