import { Subject } from 'rxjs';
import { ValidationError } from '../../errors.js';
import type { RawEvent } from '../../events/codec.js';
import type { AppendRequest, DriverFilter, StoreDriver } from '../driver.js';
import type { AppendResult } from '../eventStore.js';
import { planAppend, type StoredId } from '../planAppend.js';
import { MemoryLeases } from './leases.js';

/** Parse a global position token of this adapter (a decimal row number). */
function positionOf(token: string): number {
  if (!/^\d{1,15}$/.test(token)) throw new ValidationError(`'${token}' is not a global position of a memory store`, { path: 'from' });
  return Number(token);
}

function matches(row: RawEvent, filter: DriverFilter | undefined): boolean {
  if (!filter) return true;
  if (filter.streamId !== undefined && row.streamId !== filter.streamId) return false;
  if (filter.streamPrefix !== undefined && !row.streamId.startsWith(filter.streamPrefix)) return false;
  if (filter.types && !filter.types.includes(row.type)) return false;
  return true;
}

/** Keeps events in arrays of this process. Global positions are 1-based decimal strings. */
export class MemoryDriver implements StoreDriver {
  readonly kind = 'memory';
  readonly pollIntervalMs = 1000;
  readonly wake$ = new Subject<void>();
  readonly leases = new MemoryLeases();
  private readonly all: RawEvent[] = [];
  private readonly streams = new Map<string, RawEvent[]>();
  private readonly ids = new Map<string, StoredId>();

  commit(batch: readonly AppendRequest[]): Promise<Array<AppendResult | Error>> {
    const outcomes = batch.map((req) => this.commitOne(req));
    if (outcomes.some((o) => !(o instanceof Error) && o.positions.length > 0)) this.wake$.next();
    return Promise.resolve(outcomes);
  }

  private commitOne(req: AppendRequest): AppendResult | Error {
    const stream = this.streams.get(req.streamId);
    const actual = stream ? stream.length - 1 : -1;
    const plan = planAppend(req.streamId, req.events, req.expectedVersion, actual, (id) => this.ids.get(id));
    if (plan.kind === 'error') return plan.error;
    if (plan.kind === 'done') return plan.result;
    const rows = stream ?? [];
    const positions = req.events.map((e, i) => {
      const globalPosition = String(this.all.length + 1);
      const row: RawEvent = {
        eventId: e.eventId,
        streamId: req.streamId,
        streamPosition: plan.startPosition + i,
        globalPosition,
        type: e.type,
        data: e.data,
        metadata: e.metadata,
      };
      this.all.push(row);
      rows.push(row);
      this.ids.set(e.eventId, row);
      return globalPosition;
    });
    this.streams.set(req.streamId, rows);
    return { nextExpectedVersion: plan.startPosition + req.events.length - 1, positions };
  }

  readStream(
    streamId: string,
    range: { from: number; to: number; direction: 'forwards' | 'backwards'; limit: number },
  ): Promise<RawEvent[]> {
    const rows = this.streams.get(streamId) ?? [];
    const out: RawEvent[] = [];
    if (range.direction === 'forwards') {
      for (let p = Math.max(0, range.from); p <= range.to && p < rows.length && out.length < range.limit; p++) out.push(rows[p]!);
    } else {
      for (let p = Math.min(rows.length - 1, range.from); p >= range.to && p >= 0 && out.length < range.limit; p--) out.push(rows[p]!);
    }
    return Promise.resolve(out);
  }

  readAll(after: string | undefined, limit: number, filter: DriverFilter | undefined): Promise<RawEvent[]> {
    const out: RawEvent[] = [];
    const source = filter?.streamId !== undefined ? (this.streams.get(filter.streamId) ?? []) : this.all;
    const start = after === undefined ? 0 : positionOf(after);
    // Rows are in global order: begin at the first one after `start` instead of scanning from the
    // beginning (a live subscriber reads after its position on every commit).
    for (let i = firstAfter(source, start); i < source.length && out.length < limit; i++) {
      const row = source[i]!;
      if (matches(row, filter)) out.push(row);
    }
    return Promise.resolve(out);
  }

  streamVersion(streamId: string): Promise<number | undefined> {
    const rows = this.streams.get(streamId);
    return Promise.resolve(rows ? rows.length - 1 : undefined);
  }

  headPosition(): Promise<string | undefined> {
    return Promise.resolve(this.all.length === 0 ? undefined : String(this.all.length));
  }

  /** Test hook: plant a row exactly as given, bypassing validation. */
  plantRaw(row: Omit<RawEvent, 'globalPosition' | 'streamPosition'>): RawEvent {
    const rows = this.streams.get(row.streamId) ?? [];
    const raw: RawEvent = { ...row, streamPosition: rows.length, globalPosition: String(this.all.length + 1) };
    rows.push(raw);
    this.streams.set(row.streamId, rows);
    this.all.push(raw);
    this.wake$.next();
    return raw;
  }

  close(): Promise<void> {
    this.wake$.complete();
    return Promise.resolve();
  }
}

/** Index of the first row whose global position is past `position` (rows in global order). */
function firstAfter(rows: readonly RawEvent[], position: number): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (Number(rows[mid]!.globalPosition) <= position) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
