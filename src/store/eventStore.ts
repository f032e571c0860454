import type { Observable } from 'rxjs';
import type { NewEvent, RecordedEvent } from '../events/envelope.js';
import type { LeaseStore } from './leases.js';
import type { PartialTextChannel } from './partials.js';

/**
 * What the caller expects a stream to look like before an append:
 * `'any'` (no check), `'no_stream'` (must not exist), `'stream_exists'` (must exist),
 * or the stream position of its last event (0-based).
 */
export type ExpectedVersion = 'any' | 'no_stream' | 'stream_exists' | number;

/** Options of {@link EventStore.append}. */
export interface AppendOptions {
  /** Defaults to `'any'`. */
  expectedVersion?: ExpectedVersion;
}

/** What an append wrote. */
export interface AppendResult {
  /** Stream position of the stream's last event after the append: pass it as the next `expectedVersion`. */
  nextExpectedVersion: number;
  /** Global position of each appended event, in order. */
  positions: string[];
}

/** Options of {@link EventStore.readStream}. Positions are inclusive stream positions. */
export interface ReadStreamOptions {
  from?: number;
  to?: number;
  direction?: 'forwards' | 'backwards';
  limit?: number;
}

/** Narrows `readAll` and `subscribe` to some streams or types. */
export interface EventFilter {
  /** Only streams whose id starts with this (e.g. `'run-'`). */
  streamPrefix?: string;
  /** Only these event types. */
  types?: readonly string[];
}

/**
 * Where a global read or subscription starts: `'start'`, `'end'` (subscriptions only: new events
 * from now on), or a global position token, meaning *after* that event (checkpoint semantics).
 */
// The literals document the special values; any other string is a position token.
// eslint-disable-next-line @typescript-eslint/no-redundant-type-constituents
export type GlobalFrom = 'start' | 'end' | string;

/** Options of {@link EventStore.readAll}. */
export interface ReadAllOptions {
  from?: Exclude<GlobalFrom, 'end'>;
  limit?: number;
  filter?: EventFilter;
  /**
   * Catalogue types the reader only counts: their events come as envelopes (ids, stream, positions,
   * type) with `data` undefined and empty `metadata`, not read nor decoded. A reader that folds only
   * some types (the status view) skips the payloads it would not look at; an unreadable payload of
   * such a type is then not reported.
   */
  envelopeOnly?: readonly string[];
}

/** Options of {@link EventStore.subscribe}. */
export interface SubscribeOptions {
  /** Only this stream. */
  streamId?: string;
  /** Defaults to `'start'`. */
  from?: GlobalFrom;
  filter?: EventFilter;
}

/**
 * The event store port. Adapters: `memory`, `sqlite`, `postgres` (and later `kurrentdb`),
 * chosen by URL with {@link openStore}. Every event is validated by its schema on write and read.
 *
 * @example
 * ```ts
 * const store = await openStore('sqlite:.aigen/aigen.db');
 * const { nextExpectedVersion } = await store.append('run-1', [event], { expectedVersion: 'no_stream' });
 * for await (const e of store.readStream('run-1')) console.log(e.type);
 * store.subscribe({ from: 'start' }).subscribe((e) => console.log(e.globalPosition, e.type));
 * ```
 */
export interface EventStore {
  /** The adapter name: `memory`, `sqlite`, `postgres`, `kurrentdb`. */
  readonly kind: string;
  /**
   * Append events to one stream atomically. Throws `ConcurrencyError` (writing nothing) when
   * `expectedVersion` does not match; re-appending events whose ids are already stored at the
   * same positions is a no-op that returns the original result.
   */
  append(streamId: string, events: readonly NewEvent[], options?: AppendOptions): Promise<AppendResult>;
  /** Events of one stream in stream order (or reversed). A missing stream yields nothing. */
  readStream(streamId: string, options?: ReadStreamOptions): AsyncIterable<RecordedEvent>;
  /** Events of all streams in global order. */
  readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent>;
  /** Stream position of a stream's last event, or `undefined` when the stream does not exist. */
  streamVersion(streamId: string): Promise<number | undefined>;
  /** Catch up from `from`, then stay live: no gap, duplicate or reordering across the hand-over. */
  subscribe(options?: SubscribeOptions): Observable<RecordedEvent>;
  /** Global position of the newest event, or `undefined` for an empty store. */
  headPosition(): Promise<string | undefined>;
  /**
   * Run leases and worker heartbeats (SQLite, PostgreSQL, memory); absent where workers are
   * not supported (KurrentDB).
   */
  readonly leases?: LeaseStore | undefined;
  /**
   * In-flight model output shared with other processes (SQLite, PostgreSQL); absent when the
   * store cannot carry it (deltas then stay within the process). Not part of the event log.
   */
  readonly partials?: PartialTextChannel;
  /**
   * Tables kept in this process beside the events, by name: where an in-memory store keeps its
   * views and checkpoints, as a SQLite file and a PostgreSQL schema keep theirs, so projections
   * reopened over the same store object continue. Absent on stores that keep nothing here.
   */
  readonly localTables?: Map<string, unknown>;
  /** Flush pending appends and release connections. */
  close(): Promise<void>;
}

/**
 * The table `name` the store keeps in this process (see {@link EventStore.localTables}), created by
 * `create` the first time; a store that keeps none gets a fresh one each time.
 */
export function localTable<T>(store: EventStore, name: string, create: () => T): T {
  const tables = store.localTables;
  if (!tables) return create();
  let table = tables.get(name) as T | undefined;
  if (table === undefined) tables.set(name, (table = create()));
  return table;
}
