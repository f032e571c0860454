/**
 * Clear messages for a remote model server's failures: an unreachable server names its URL and
 * the network error, a refused key says so (never printing the key).
 */
import type { Model, ModelRequest, ModelResponse, StreamEvent } from '@openai/agents';
import { AigenError } from '../errors.js';

/** The URL OpenAI-compatible requests go to when `OPENAI_BASE_URL` is not set. */
export const DEFAULT_OPENAI_BASE_URL = 'https://api.openai.com/v1';

/**
 * The model server could not be reached (connection refused, DNS failure, timeout). Retryable.
 *
 * @example
 * ```ts
 * new ModelServerUnreachableError('http://127.0.0.1:9/v1', 'ECONNREFUSED').message;
 * // 'cannot reach the model server at http://127.0.0.1:9/v1 (ECONNREFUSED)'
 * ```
 */
export class ModelServerUnreachableError extends AigenError {
  readonly code = 'MODEL_SERVER_UNREACHABLE';
  readonly kind = 'system' as const;
  readonly retryable = true;
  constructor(
    readonly url: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot reach the model server at ${url} (${reason})`, options);
  }
}

/**
 * The model server refused the API key (HTTP 401 or 403). Not retryable; the key is never shown.
 *
 * @example
 * ```ts
 * new ModelAuthError('https://api.openai.com/v1', 401).message;
 * // 'the model server at https://api.openai.com/v1 refused the API key (HTTP 401); check OPENAI_API_KEY'
 * ```
 */
export class ModelAuthError extends AigenError {
  readonly code = 'MODEL_AUTH_REFUSED';
  readonly kind = 'user' as const;
  readonly retryable = false;
  constructor(
    readonly url: string,
    readonly status: number,
    options?: { cause?: unknown },
  ) {
    super(`the model server at ${url} refused the API key (HTTP ${status}); check OPENAI_API_KEY`, options);
  }
}

/**
 * Why a connection failed: the first network error code (`ECONNREFUSED`, `ENOTFOUND`, …) along
 * an error's cause chain, else the message of its innermost cause (fetch says "bad port" for
 * ports it refuses to use).
 */
function networkReason(err: unknown): { code?: string; innermost?: string } {
  let e: unknown = err;
  let innermost: string | undefined;
  for (let depth = 0; depth < 6 && typeof e === 'object' && e !== null; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return { code };
    const message = (e as { message?: unknown }).message;
    if (depth > 0 && typeof message === 'string' && message !== '') innermost = message;
    const nested = (e as { errors?: unknown }).errors; // AggregateError of several addresses
    if (Array.isArray(nested) && nested.length > 0) e = nested[0];
    else e = (e as { cause?: unknown }).cause;
  }
  return innermost === undefined ? {} : { innermost };
}

/**
 * Translate a failure of the OpenAI client into one of the errors above; anything else is
 * returned unchanged.
 *
 * @example
 * ```ts
 * throw explainServerError(err, 'http://127.0.0.1:9/v1');
 * ```
 */
export function explainServerError(err: unknown, url: string): unknown {
  if (typeof err !== 'object' || err === null || err instanceof AigenError) return err;
  const e = err as { name?: unknown; status?: unknown; constructor?: { name?: string } };
  const name = typeof e.name === 'string' ? e.name : (e.constructor?.name ?? '');
  if (e.status === 401 || e.status === 403) return new ModelAuthError(url, e.status, { cause: err });
  const { code, innermost } = networkReason(err);
  const className = e.constructor?.name ?? '';
  if (/APIConnection(?:Timeout)?Error/.test(`${name} ${className}`) || (code !== undefined && e.status === undefined && name !== 'AbortError')) {
    const timedOut = /Timeout/.test(`${name} ${className}`);
    return new ModelServerUnreachableError(url, code ?? (timedOut ? 'timed out' : (innermost ?? 'connection failed')), { cause: err });
  }
  return err;
}

/**
 * Wrap a remote model so its connection and authentication failures carry clear messages.
 *
 * @example
 * ```ts
 * const model = withServerErrors(provider.getModel('gpt-4.1'), process.env.OPENAI_BASE_URL ?? DEFAULT_OPENAI_BASE_URL);
 * ```
 */
export function withServerErrors(model: Model, url: string): Model {
  const wrapped: Model = {
    async getResponse(request: ModelRequest): Promise<ModelResponse> {
      try {
        return await model.getResponse(request);
      } catch (err) {
        throw explainServerError(err, url);
      }
    },
    async *getStreamedResponse(request: ModelRequest): AsyncIterable<StreamEvent> {
      try {
        yield* model.getStreamedResponse(request);
      } catch (err) {
        throw explainServerError(err, url);
      }
    },
    // The wrapped model judges retries on its own error, not on the clearer one built from it.
    ...(model.getRetryAdvice
      ? { getRetryAdvice: (args) => model.getRetryAdvice!({ ...args, error: args.error instanceof AigenError && args.error.cause !== undefined ? args.error.cause : args.error }) }
      : {}),
  };
  return wrapped;
}
