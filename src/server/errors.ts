import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { AigenError, errorMessage, NotFoundError, ValidationError } from '../errors.js';

/** The body of every error response: `{ error: { code, message, path? } }`. */
export interface ErrorBody {
  error: { code: string; message: string; path?: string };
}

/**
 * An error an HTTP route raises on purpose, with its status and stable code.
 * @example
 * ```ts
 * throw new HttpError(409, 'RUN_FINISHED', `run ${runId} already ended`);
 * ```
 */
export class HttpError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly path?: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/**
 * Another process listens on the port the server was asked to listen on.
 * @example
 * ```ts
 * await serve({ store, engine, projections, port: 4400 }); // throws PortInUseError while 4400 is taken
 * ```
 */
export class PortInUseError extends AigenError {
  readonly code = 'PORT_IN_USE';
  readonly kind = 'user' as const;
  constructor(host: string, port: number, flag: string, options?: { cause?: unknown }) {
    super(`port ${port} on ${host} is already in use (another aigen serve?): choose another with ${flag} <n>, or ${flag} 0 for any free port`, options);
  }
}

/**
 * The server refuses to listen on a non-loopback address without `AIGEN_API_TOKEN`.
 * @example
 * ```ts
 * await serve(app, { host: '0.0.0.0' }); // throws ApiTokenRequiredError
 * ```
 */
export class ApiTokenRequiredError extends AigenError {
  readonly code = 'API_TOKEN_REQUIRED';
  readonly kind = 'user' as const;
  constructor(host: string) {
    super(`refusing to listen on non-loopback host '${host}' without AIGEN_API_TOKEN: set it (clients send 'Authorization: Bearer <token>') or bind 127.0.0.1`);
  }
}

/**
 * The API token is too short to resist guessing; the server refuses to start with it.
 * @example
 * ```ts
 * createServer({ store, engine, projections, token: 'secret' }); // throws ApiTokenTooShortError
 * ```
 */
export class ApiTokenTooShortError extends AigenError {
  readonly code = 'API_TOKEN_TOO_SHORT';
  readonly kind = 'user' as const;
  constructor(length: number, minimum: number) {
    super(`the API token (AIGEN_API_TOKEN) has ${length} characters; use at least ${minimum}, e.g. the output of 'openssl rand -hex 24'`);
  }
}

/** Error codes answered with 409 Conflict: the request is valid but the run's state forbids it. */
const CONFLICT_CODES = new Set(['RUN_FINISHED', 'RUN_BUSY', 'WRONG_EXPECTED_VERSION', 'NOT_WAITING']);

/** Status, code, message and field path of any thrown value. */
export function describeError(err: unknown): { status: ContentfulStatusCode; body: ErrorBody } {
  const body = (code: string, message: string, path?: string): ErrorBody => ({ error: { code, message, ...(path ? { path } : {}) } });
  if (err instanceof HttpError) return { status: err.status, body: body(err.code, err.message, err.path) };
  if (err instanceof NotFoundError) return { status: 404, body: body(err.code, err.message) };
  if (err instanceof AigenError) {
    const path = err instanceof ValidationError ? err.path : undefined;
    if (CONFLICT_CODES.has(err.code)) return { status: 409, body: body(err.code, err.message) };
    if (err.kind === 'user') return { status: 400, body: body(err.code, err.message, path) };
    return { status: err.code === 'STORE_UNAVAILABLE' ? 503 : 500, body: body(err.code, err.message) };
  }
  return { status: 500, body: body('INTERNAL', `internal error: ${errorMessage(err)}`) };
}

/** Answer a request with the JSON error body of `err`. */
export function errorResponse(c: Context, err: unknown): Response {
  const { status, body } = describeError(err);
  return c.json(body, status);
}
