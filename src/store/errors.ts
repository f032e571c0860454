import { AigenError } from '../errors.js';
import type { ExpectedVersion } from './eventStore.js';

/**
 * An append's `expectedVersion` did not match the stream; nothing was written.
 * `actual` is the stream position of the last event, or `'no_stream'`.
 * @example
 * ```ts
 * catch (e) { if (e instanceof ConcurrencyError) console.log(e.streamId, e.expected, e.actual); }
 * ```
 */
export class ConcurrencyError extends AigenError {
  readonly code = 'WRONG_EXPECTED_VERSION';
  readonly kind = 'user' as const;
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
    readonly actual: number | 'no_stream',
  ) {
    super(`wrong expected version for stream '${streamId}': expected ${String(expected)}, actual ${String(actual)}`);
  }
}

/**
 * Some event ids of an append are already stored, but not as the same events at the same
 * positions, so the append is neither new nor an idempotent retry.
 * @example
 * ```ts
 * catch (e) { if (e instanceof DuplicateEventIdError) console.log(e.eventId); }
 * ```
 */
export class DuplicateEventIdError extends AigenError {
  readonly code = 'DUPLICATE_EVENT_ID';
  readonly kind = 'user' as const;
  constructor(
    readonly streamId: string,
    readonly eventId: string,
  ) {
    super(`event id ${eventId} is already stored elsewhere; append to '${streamId}' rejected`);
  }
}

/**
 * The store was used after `close()`. Not an outage: nothing retries it (a subscription through
 * outages ends instead of asking a closed store again and again).
 * @example
 * ```ts
 * await store.close();
 * await store.headPosition(); // StoreClosedError: the event store is closed
 * ```
 */
export class StoreClosedError extends AigenError {
  readonly code = 'STORE_CLOSED';
  readonly kind = 'user' as const;
  constructor(what: string) {
    super(`the event store is closed: cannot ${what}`);
  }
}

/**
 * A store URL uses a scheme no adapter handles.
 * @example
 * ```ts
 * await openStore('mysql://x'); // UnknownStoreError: unknown store URL scheme 'mysql:' …
 * ```
 */
export class UnknownStoreError extends AigenError {
  readonly code = 'UNKNOWN_STORE';
  readonly kind = 'user' as const;
}

/**
 * A SQLite store this user cannot write (the file, or the directory that holds its journal, is
 * read-only) was opened by something that records events.
 * @example
 * ```ts
 * catch (e) { if (e instanceof ReadOnlyStoreError) console.log(e.path); }
 * ```
 */
export class ReadOnlyStoreError extends AigenError {
  readonly code = 'STORE_READ_ONLY';
  readonly kind = 'user' as const;
  constructor(readonly path: string) {
    super(`the sqlite store ${path} is read-only for this user (the file or its directory cannot be written); recording events needs a writable store`);
  }
}
