/**
 * Error classes shared by every layer. Each has a stable `code` and an optional `cause`.
 * `UserError` subclasses mean the caller gave bad input or config (CLI exit 2, HTTP 4xx);
 * `SystemError` subclasses mean something outside the caller's control failed (store down).
 *
 * @example
 * ```ts
 * try { await store.append('run-1', events, { expectedVersion: 3 }); }
 * catch (e) { if (e instanceof ConcurrencyError) console.log(e.expected, e.actual); }
 * ```
 */
export abstract class AigenError extends Error {
  abstract readonly code: string;
  /** `user`: bad input or configuration. `system`: infrastructure or internal failure. */
  abstract readonly kind: 'user' | 'system';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
  /** A JSON-safe view for logs, HTTP bodies and recorded events. */
  toJSON(): { code: string; message: string; name: string } {
    return { code: this.code, message: this.message, name: this.name };
  }
}

/**
 * Bad input or configuration supplied by the caller.
 *
 * @example
 * ```ts
 * throw new ValidationError('stream id must not be empty', { path: 'streamId' });
 * ```
 */
export class ValidationError extends AigenError {
  readonly code: string = 'VALIDATION_FAILED';
  readonly kind = 'user' as const;
  /** Where the bad value is (field path, file:line:column, or event type + field path). */
  readonly path: string | undefined;
  constructor(message: string, options?: { cause?: unknown; path?: string }) {
    super(message, options);
    this.path = options?.path;
  }
}

/**
 * Something the caller referred to does not exist (a run, a workflow, an agent type).
 *
 * @example
 * ```ts
 * throw new NotFoundError('run', 'abc123');
 * ```
 */
export class NotFoundError extends AigenError {
  readonly code = 'NOT_FOUND';
  readonly kind = 'user' as const;
  constructor(
    readonly what: string,
    readonly id: string,
    options?: { cause?: unknown; hint?: string; suggestion?: string },
  ) {
    // A close match reads best right after the name: "unknown agent type 'reserch' — did you mean 'research'?"
    const suggestion = options?.suggestion ? ` — did you mean '${options.suggestion}'?` : '';
    super(`unknown ${what} '${id}'${suggestion}${options?.hint && !suggestion ? `: ${options.hint}` : ''}`, options);
  }
}

/**
 * An infrastructure failure: the store is unreachable, a connection dropped, a disk write failed.
 *
 * @example
 * ```ts
 * throw new StoreUnavailableError('postgres://127.0.0.1:5432/aigen', { cause: err });
 * ```
 */
export class StoreUnavailableError extends AigenError {
  readonly code = 'STORE_UNAVAILABLE';
  readonly kind = 'system' as const;
  constructor(target: string, options?: { cause?: unknown }) {
    const reason = options?.cause instanceof Error ? `: ${options.cause.message}` : '';
    super(`cannot reach event store ${target}${reason}`, options);
  }
}

/** Render any thrown value as a one-line message (no stack). */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'string') return err;
  try {
    return JSON.stringify(err);
  } catch {
    return String(err);
  }
}
