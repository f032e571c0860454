import type { Observable } from 'rxjs';
import type { EncodedEvent, RawEvent } from '../events/codec.js';
import type { AppendResult, EventFilter, ExpectedVersion, GlobalFrom } from './eventStore.js';
import type { LeaseStore } from './leases.js';
import type { PartialTextChannel } from './partials.js';

/** A global read's filter: the public {@link EventFilter} plus an exact stream id. */
export interface DriverFilter extends EventFilter {
  streamId?: string | undefined;
  /** Types whose payload columns the driver may leave out (see `ReadAllOptions.envelopeOnly`). */
  envelopeOnly?: readonly string[] | undefined;
}

/**
 * What a wake-up knows about the events that became readable: the types they have and, when
 * given, the streams they went to. A subscriber whose filter none of them can match need not
 * read; a wake-up without a hint may concern anything.
 */
export interface WakeHint {
  types: readonly string[];
  streams?: readonly string[];
}

/** True when events described by `hint` may match `filter` (no hint: always). */
export function mayMatch(hint: WakeHint | void, filter: DriverFilter): boolean {
  if (!hint) return true;
  if (filter.types && !hint.types.some((t) => filter.types!.includes(t))) return false;
  if (!hint.streams) return true;
  const { streamId, streamPrefix } = filter;
  if (streamId !== undefined && !hint.streams.includes(streamId)) return false;
  return !streamPrefix || hint.streams.some((s) => s.startsWith(streamPrefix));
}

/** One caller's append, already validated and serialised. */
export interface AppendRequest {
  streamId: string;
  events: EncodedEvent[];
  expectedVersion: ExpectedVersion;
}

/**
 * What an adapter implements; {@link DriverEventStore} turns it into an {@link EventStore}
 * (validation, group commit, paging, decoding and subscriptions are shared).
 */
export interface StoreDriver {
  readonly kind: string;
  /**
   * Write a batch of appends in one transaction. Each request gets its own outcome: its
   * result, or the error (e.g. `ConcurrencyError`) that rejected it alone.
   */
  commit(batch: readonly AppendRequest[]): Promise<Array<AppendResult | Error>>;
  /** Up to `limit` rows of one stream between inclusive positions, in the given direction. */
  readStream(
    streamId: string,
    range: { from: number; to: number; direction: 'forwards' | 'backwards'; limit: number },
  ): Promise<RawEvent[]>;
  /** Up to `limit` rows strictly after `after` (or from the start) that match `filter`, in global order. */
  readAll(after: string | undefined, limit: number, filter: DriverFilter | undefined): Promise<RawEvent[]>;
  streamVersion(streamId: string): Promise<number | undefined>;
  headPosition(): Promise<string | undefined>;
  /**
   * The adapter's own catch-up-then-live subscription (e.g. the database pushes events), rows in
   * global order with no gap or duplicate. Without it, subscribers page through `readAll` and
   * wait for `wake$` or the poll interval.
   */
  subscribe?(from: GlobalFrom, filter: DriverFilter): Observable<RawEvent>;
  /**
   * Emits whenever new events may be readable (local commits, database notifications), with a
   * {@link WakeHint} when the adapter knows what they are.
   */
  readonly wake$: Observable<WakeHint | void>;
  /** How often subscribers poll when no wake-up arrives (other processes' appends). */
  readonly pollIntervalMs: number;
  /** Run leases and worker heartbeats beside the events, when the adapter supports workers. */
  readonly leases?: LeaseStore;
  /** Where in-flight model output crosses processes, when the adapter can carry it. */
  readonly partials?: PartialTextChannel;
  close(): Promise<void>;
}
