import { AigenError, ValidationError } from '../errors.js';

/**
 * An event failed its schema on write. The message names the event type and the field path.
 * @example
 * ```ts
 * // EventValidationError: Transitioned.data.actorId: Invalid input: expected string, received undefined
 * ```
 */
export class EventValidationError extends ValidationError {
  override readonly code: string = 'EVENT_INVALID';
}

/**
 * An event is larger than {@link MAX_EVENT_BYTES} serialised. Retrying cannot make it smaller,
 * so a step whose model answer or tool result is too large fails for good (`retryable: false`).
 */
export class EventTooLargeError extends EventValidationError {
  override readonly code = 'EVENT_TOO_LARGE';
  readonly retryable = false;
  constructor(
    readonly type: string,
    readonly bytes: number,
    readonly limit: number,
  ) {
    super(`${type} is ${bytes} bytes serialised; the limit is ${limit} bytes`, { path: `${type}.data` });
  }
}

/** Where a stored event lives. */
export interface EventLocation {
  streamId: string;
  streamPosition: number;
  globalPosition: string;
}

/**
 * A stored event could not be read back: invalid JSON, an unknown type, a payload failing its
 * schema, or an unknown schema version. `location` names where it is; readers may continue
 * after `location.globalPosition`.
 * @example
 * ```ts
 * try { for await (const e of store.readAll()) {} }
 * catch (e) { if (e instanceof CorruptEventError) console.log(e.location.globalPosition); }
 * ```
 */
export class CorruptEventError extends AigenError {
  readonly code = 'EVENT_CORRUPT';
  readonly kind = 'system' as const;
  constructor(
    readonly location: EventLocation,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(
      `stored event at ${location.streamId}@${location.streamPosition} (global ${location.globalPosition}) is unreadable: ${reason}`,
      options,
    );
  }
}
