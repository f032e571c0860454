import { map, type Observable } from 'rxjs';
import { aigenCodec, type EventCodec, type RawEvent } from '../events/codec.js';
import type { EventMetadata, NewEvent, RecordedEvent } from '../events/envelope.js';
import { EventValidationError } from '../events/errors.js';
import { assertStreamId } from '../events/streams.js';
import { mayMatch, type DriverFilter, type StoreDriver } from './driver.js';
import type {
  AppendOptions,
  AppendResult,
  EventStore,
  ReadAllOptions,
  ReadStreamOptions,
  SubscribeOptions,
} from './eventStore.js';
import { StoreClosedError } from './errors.js';
import { GroupCommitter } from './groupCommit.js';
import type { LeaseStore } from './leases.js';
import { OrderedPartials, type PartialTextChannel } from './partials.js';
import { catchUpThenLive } from './subscription.js';

const PAGE = 500;
const NO_METADATA = Object.freeze({}) as EventMetadata;

/** A row as an event without its payload (see `ReadAllOptions.envelopeOnly`). */
function envelopeOf(row: RawEvent): RecordedEvent {
  const { eventId, streamId, streamPosition, globalPosition, type } = row;
  return { eventId, streamId, streamPosition, globalPosition, type, data: undefined, metadata: NO_METADATA };
}

/**
 * The {@link EventStore} every adapter shares: validation on write and read through the codec,
 * group commit, paged reads and catch-up-then-live subscriptions over a {@link StoreDriver}.
 */
export class DriverEventStore implements EventStore {
  private readonly committer: GroupCommitter;
  private closed = false;
  private ordered: OrderedPartials | undefined;
  /** See {@link EventStore.localTables}. */
  readonly localTables = new Map<string, unknown>();

  constructor(
    private readonly driver: StoreDriver,
    private readonly codec: EventCodec = aigenCodec,
  ) {
    this.committer = new GroupCommitter((batch) => driver.commit(batch));
  }

  get kind(): string {
    return this.driver.kind;
  }

  get leases(): LeaseStore | undefined {
    return this.driver.leases;
  }

  get partials(): PartialTextChannel | undefined {
    if (this.driver.partials) this.ordered ??= new OrderedPartials(this.driver.partials);
    return this.ordered;
  }

  async append(streamId: string, events: readonly NewEvent[], options?: AppendOptions): Promise<AppendResult> {
    assertStreamId(streamId);
    if (!Array.isArray(events)) throw new EventValidationError('events must be an array', { path: 'events' });
    const encoded = (events as readonly NewEvent[]).map((e) => this.codec.encode(e));
    const ids = new Set(encoded.map((e) => e.eventId));
    if (ids.size !== encoded.length) {
      throw new EventValidationError('the same eventId appears twice in one append', { path: 'events[].eventId' });
    }
    const expectedVersion = options?.expectedVersion ?? 'any';
    if (typeof expectedVersion === 'number' && (!Number.isInteger(expectedVersion) || expectedVersion < 0)) {
      throw new EventValidationError(`expectedVersion must be a stream position >= 0, got ${expectedVersion}`, {
        path: 'expectedVersion',
      });
    }
    if (this.closed) throw new StoreClosedError('append');
    return this.committer.submit({ streamId, events: encoded, expectedVersion });
  }

  async *readStream(streamId: string, options: ReadStreamOptions = {}): AsyncIterable<RecordedEvent> {
    assertStreamId(streamId);
    const direction = options.direction ?? 'forwards';
    let remaining = options.limit ?? Number.POSITIVE_INFINITY;
    let from = options.from ?? (direction === 'forwards' ? 0 : Number.MAX_SAFE_INTEGER);
    const to = options.to ?? (direction === 'forwards' ? Number.MAX_SAFE_INTEGER : 0);
    if (this.closed) throw new StoreClosedError('read a stream');
    while (remaining > 0) {
      const limit = Math.min(PAGE, remaining);
      const rows = await this.driver.readStream(streamId, { from, to, direction, limit });
      for (const row of rows) yield this.codec.decode(row);
      remaining -= rows.length;
      if (rows.length < limit) return;
      const last = rows[rows.length - 1]!.streamPosition;
      from = direction === 'forwards' ? last + 1 : last - 1;
    }
  }

  async *readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    let after = options.from === undefined || options.from === 'start' ? undefined : options.from;
    let remaining = options.limit ?? Number.POSITIVE_INFINITY;
    const envelopeOnly = options.envelopeOnly?.length ? new Set(options.envelopeOnly) : undefined;
    const filter = envelopeOnly ? { ...options.filter, envelopeOnly: options.envelopeOnly } : options.filter;
    if (this.closed) throw new StoreClosedError('read events');
    while (remaining > 0) {
      const limit = Math.min(PAGE, remaining);
      const rows = await this.driver.readAll(after, limit, filter);
      for (const row of rows) yield envelopeOnly?.has(row.type) ? envelopeOf(row) : this.codec.decode(row);
      remaining -= rows.length;
      if (rows.length < limit) return;
      after = rows[rows.length - 1]!.globalPosition;
    }
  }

  streamVersion(streamId: string): Promise<number | undefined> {
    assertStreamId(streamId);
    return this.driver.streamVersion(streamId);
  }

  headPosition(): Promise<string | undefined> {
    if (this.closed) return Promise.reject(new StoreClosedError('read the head position'));
    return this.driver.headPosition();
  }

  subscribe(options: SubscribeOptions = {}): Observable<RecordedEvent> {
    const filter: DriverFilter = { ...options.filter, streamId: options.streamId };
    if (this.driver.subscribe) {
      // Rows are decoded one by one as they arrive: the events before a bad row still reach the subscriber.
      return this.driver.subscribe(options.from ?? 'start', filter).pipe(map((row) => this.codec.decode(row)));
    }
    return catchUpThenLive(
      {
        readAfter: (after, limit) => this.driver.readAll(after, limit, filter),
        decode: (row) => this.codec.decode(row),
        headPosition: () => this.driver.headPosition(),
        wake$: this.driver.wake$,
        concerns: (hint) => mayMatch(hint, filter),
        pollIntervalMs: this.driver.pollIntervalMs,
      },
      options.from ?? 'start',
    );
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.committer.drain();
    await (this.ordered ?? this.driver.partials)?.close().catch(() => undefined);
    await this.driver.close();
  }
}
