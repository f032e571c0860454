import type { EncodedEvent } from '../events/codec.js';
import { ConcurrencyError, DuplicateEventIdError } from './errors.js';
import type { AppendResult, ExpectedVersion } from './eventStore.js';

/** Where an already stored event id lives. */
export interface StoredId {
  streamId: string;
  streamPosition: number;
  globalPosition: string;
}

/** The outcome of checking one append against the stream's current state. */
export type AppendPlan =
  | { kind: 'write'; startPosition: number }
  | { kind: 'done'; result: AppendResult }
  | { kind: 'error'; error: Error };

/** True when a stream at `actual` (-1: no stream) satisfies `expected`. */
export function versionMatches(expected: ExpectedVersion, actual: number): boolean {
  switch (expected) {
    case 'any':
      return true;
    case 'no_stream':
      return actual === -1;
    case 'stream_exists':
      return actual >= 0;
    default:
      return actual === expected;
  }
}

/**
 * Decide what to do with one append, given the stream's last position (`-1` when it does not
 * exist) and where any of its event ids are already stored. Shared by every adapter so that
 * expected-version and idempotency rules are identical everywhere.
 */
export function planAppend(
  streamId: string,
  events: readonly EncodedEvent[],
  expected: ExpectedVersion,
  actual: number,
  stored: (eventId: string) => StoredId | undefined,
): AppendPlan {
  // Ids the codec generated are fresh UUIDs: only caller-supplied ids can be retries.
  const found = events.map((e) => (e.generatedId ? undefined : stored(e.eventId)));
  if (found.some((f) => f !== undefined)) {
    const first = found[0];
    const retry =
      first !== undefined &&
      found.every(
        (f, i) => f !== undefined && f.streamId === streamId && f.streamPosition === first.streamPosition + i,
      );
    if (retry) {
      return {
        kind: 'done',
        result: {
          nextExpectedVersion: first.streamPosition + events.length - 1,
          positions: found.map((f) => f!.globalPosition),
        },
      };
    }
    const dup = events.find((_, i) => found[i] !== undefined)!;
    return { kind: 'error', error: new DuplicateEventIdError(streamId, dup.eventId) };
  }
  if (!versionMatches(expected, actual)) {
    return { kind: 'error', error: new ConcurrencyError(streamId, expected, actual < 0 ? 'no_stream' : actual) };
  }
  if (events.length === 0) return { kind: 'done', result: { nextExpectedVersion: actual, positions: [] } };
  return { kind: 'write', startPosition: actual + 1 };
}
