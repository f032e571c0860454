import {
  BACKWARDS,
  END,
  FORWARDS,
  START,
  jsonEvent,
  type Position,
  type ReadPosition,
  type AppendStreamState,
  type KurrentDBClient,
} from '@kurrent/kurrentdb-client';
import { Subject, type Observable } from 'rxjs';
import type { RawEvent } from '../../events/codec.js';
import { StoreUnavailableError } from '../../errors.js';
import type { AppendRequest, DriverFilter, StoreDriver } from '../driver.js';
import { ConcurrencyError, DuplicateEventIdError } from '../errors.js';
import type { AppendResult, ExpectedVersion, GlobalFrom } from '../eventStore.js';
import { splitFilter } from './filters.js';
import { decodeKurrentPosition, isAfter } from './position.js';
import { rawOf } from './records.js';
import { subscribeKurrent, type ReconnectOptions } from './subscription.js';

/** Events per request of a global read (the server applies the filter, the page counts matches). */
const READ_PAGE = 500;

/** Tuning of {@link KurrentDriver}. */
export interface KurrentDriverOptions extends ReconnectOptions {
  /** Prepended to every stream name; `$all` reads are narrowed to it. Default none. */
  namespace?: string;
}

/** The client's error type tag (`CommandError.type`), if any. */
export const errorType = (err: unknown): string | undefined => {
  const t = (err as { type?: unknown } | null)?.type;
  return typeof t === 'string' ? t : undefined;
};

/** `expectedVersion` as the client's `streamState`. */
export function toStreamState(expected: ExpectedVersion): AppendStreamState {
  return typeof expected === 'number' ? BigInt(expected) : expected;
}

/** The client's current stream state (`actualState` of its WrongExpectedVersionError) as the port's `actual`. */
export function fromStreamState(actual: unknown): number | 'no_stream' {
  return typeof actual === 'bigint' ? Number(actual) : typeof actual === 'number' ? actual : 'no_stream';
}

/**
 * A {@link StoreDriver} over `@kurrent/kurrentdb-client`. Each append is one KurrentDB append
 * with `streamState` taken from `expectedVersion`; the server checks it and recognises retries of
 * the same event ids (idempotent writes). Global positions are `$all` commit/prepare positions.
 * Subscriptions use the client's catch-up subscriptions and resubscribe from the last delivered
 * event when the server drops them.
 */
export class KurrentDriver implements StoreDriver {
  readonly kind = 'kurrentdb';
  /** Completes on close; subscriptions are pushed by the server, not polled. */
  readonly wake$ = new Subject<void>();
  readonly pollIntervalMs = 1000;
  private readonly namespace: string;
  private closed = false;

  constructor(
    private readonly client: KurrentDBClient,
    private readonly target: string,
    private readonly options: KurrentDriverOptions = {},
  ) {
    this.namespace = options.namespace ?? '';
  }

  async commit(batch: readonly AppendRequest[]): Promise<Array<AppendResult | Error>> {
    // Appends to one stream run in order (each sees the previous); different streams run side by side.
    const byStream = new Map<string, number[]>();
    batch.forEach((req, i) => byStream.set(req.streamId, [...(byStream.get(req.streamId) ?? []), i]));
    const outcomes: Array<AppendResult | Error> = new Array<AppendResult | Error>(batch.length);
    await Promise.all(
      [...byStream.values()].map(async (indexes) => {
        for (const i of indexes) outcomes[i] = await this.appendOne(batch[i]!).catch((err: unknown) => this.failure(err, batch.length));
      }),
    );
    return outcomes;
  }

  private failure(err: unknown, count: number): Error {
    if (err instanceof ConcurrencyError || err instanceof DuplicateEventIdError) return err;
    return new StoreUnavailableError(`${this.target} (append of ${count} batched appends)`, { cause: err });
  }

  private async appendOne(req: AppendRequest): Promise<AppendResult> {
    const name = this.namespace + req.streamId;
    let next: bigint;
    try {
      const r = await this.client.appendToStream(
        name,
        req.events.map((e) =>
          jsonEvent({ id: e.eventId, type: e.type, data: JSON.parse(e.data) as Record<string, unknown>, metadata: JSON.parse(e.metadata) as Record<string, unknown> }),
        ),
        { streamState: toStreamState(req.expectedVersion) },
      );
      next = r.nextExpectedRevision;
    } catch (err) {
      if (errorType(err) !== 'wrong-expected-version') throw err;
      // With 'any' the server only refuses a batch that repeats some stored ids but not all ("corrupted idempotency").
      if (req.expectedVersion === 'any') throw new DuplicateEventIdError(req.streamId, req.events[0]!.eventId);
      throw new ConcurrencyError(req.streamId, req.expectedVersion, fromStreamState((err as { actualState?: unknown }).actualState));
    }
    const n = req.events.length;
    if (n === 0) return { nextExpectedVersion: Number(next), positions: [] };
    // The events now at the revisions the server reported: ours (a write or an idempotent retry) or, when
    // the server took a batch of known ids for a retry although they sit elsewhere, not ours.
    const first = next - BigInt(n) + 1n;
    // Read from the leader, which acknowledged the write (a follower may not have it yet).
    const stored = first < 0n ? [] : await this.readRaw(req.streamId, first, n, 'forwards', true);
    const mismatch = req.events.findIndex((e, i) => stored[i]?.eventId !== e.eventId);
    if (mismatch >= 0) throw new DuplicateEventIdError(req.streamId, req.events[mismatch]!.eventId);
    return { nextExpectedVersion: Number(next), positions: stored.map((r) => r.globalPosition) };
  }

  private async readRaw(
    streamId: string,
    from: bigint | typeof END,
    count: number,
    direction: 'forwards' | 'backwards',
    requiresLeader = false,
  ): Promise<RawEvent[]> {
    const out: RawEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(this.namespace + streamId, {
        fromRevision: from,
        maxCount: count,
        direction: direction === 'forwards' ? FORWARDS : BACKWARDS,
        requiresLeader,
      })) {
        const raw = rawOf(resolved, this.namespace);
        if (raw) out.push(raw);
      }
    } catch (err) {
      if (errorType(err) === 'stream-not-found') return [];
      throw new StoreUnavailableError(this.target, { cause: err });
    }
    return out;
  }

  async readStream(
    streamId: string,
    range: { from: number; to: number; direction: 'forwards' | 'backwards'; limit: number },
  ): Promise<RawEvent[]> {
    const { from, to, direction, limit } = range;
    if (limit <= 0) return [];
    if (direction === 'forwards' ? from > to : from < to) return [];
    const start = direction === 'backwards' && from >= Number.MAX_SAFE_INTEGER ? END : BigInt(Math.max(0, from));
    const rows = await this.readRaw(streamId, start, limit, direction);
    return rows.filter((r) => (direction === 'forwards' ? r.streamPosition <= to : r.streamPosition >= to));
  }

  async readAll(after: string | undefined, limit: number, filter: DriverFilter | undefined): Promise<RawEvent[]> {
    const { server, local } = splitFilter(this.namespace, filter);
    let floor = after === undefined ? undefined : decodeKurrentPosition(after);
    let from: ReadPosition = floor ?? START;
    const out: RawEvent[] = [];
    while (out.length < limit) {
      let seen = 0;
      let last: Position | undefined;
      try {
        for await (const resolved of this.client.readAll({ fromPosition: from, maxCount: READ_PAGE, direction: FORWARDS, filter: server })) {
          seen++;
          const pos = resolved.event?.position;
          if (pos) last = pos;
          // A read from a position includes the event at it: only what comes after `floor` counts.
          if (!pos || (floor && !isAfter(pos, floor))) continue;
          const raw = rawOf(resolved, this.namespace);
          if (!raw || (local && !local(raw.streamId, raw.type))) continue;
          out.push(raw);
          if (out.length >= limit) return out;
        }
      } catch (err) {
        throw new StoreUnavailableError(this.target, { cause: err });
      }
      if (seen < READ_PAGE || !last) return out;
      from = last;
      floor = last;
    }
    return out;
  }

  async streamVersion(streamId: string): Promise<number | undefined> {
    const [last] = await this.readRaw(streamId, END, 1, 'backwards');
    return last?.streamPosition;
  }

  async headPosition(): Promise<string | undefined> {
    const { server } = splitFilter(this.namespace, undefined);
    try {
      for await (const resolved of this.client.readAll({ fromPosition: END, maxCount: 1, direction: BACKWARDS, filter: server })) {
        const raw = rawOf(resolved, this.namespace);
        if (raw) return raw.globalPosition;
      }
    } catch (err) {
      throw new StoreUnavailableError(this.target, { cause: err });
    }
    return undefined;
  }

  /** Catch up from `from`, then live, through the client's subscriptions (reconnecting when dropped). */
  subscribe(from: GlobalFrom, filter: DriverFilter): Observable<RawEvent> {
    return subscribeKurrent(this.client, { namespace: this.namespace, target: this.target, closed$: this.wake$, ...this.options }, from, filter);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.wake$.complete();
    await this.client.dispose();
  }
}
