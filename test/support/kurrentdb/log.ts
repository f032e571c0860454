/**
 * The storage model of the KurrentDB test double: one transaction log (`$all`) of event records
 * at growing byte offsets, and per-stream indexes. The write checks follow KurrentDB's commit
 * check (its index writer): expected-state checks, idempotency by event id within a stream and
 * "corrupted idempotency" reported as a wrong expected version. Test fixture only.
 */

/** An event record in the log. Each append is one implicit transaction; commit == prepare per event. */
export interface LogRecord {
  eventId: string;
  stream: string;
  revision: number;
  /** Byte offset of the record in the log: both its commit and its prepare position. */
  position: bigint;
  type: string;
  contentType: string;
  data: Uint8Array;
  customMetadata: Uint8Array;
  /** .NET ticks (100 ns since 0001-01-01 is not used here: Unix epoch ticks, as the gRPC API sends). */
  created: bigint;
}

/** A proposed event of an append. */
export interface Proposed {
  eventId: string;
  type: string;
  contentType: string;
  data: Uint8Array;
  customMetadata: Uint8Array;
}

/** KurrentDB's expected stream state: any, no stream, stream exists, or an exact revision. */
export type Expected = { kind: 'any' } | { kind: 'no_stream' } | { kind: 'stream_exists' } | { kind: 'revision'; revision: number };

export type WriteOutcome =
  | { kind: 'success'; lastRevision: number; position: bigint | undefined }
  | { kind: 'wrong_expected_version'; current: number | undefined };

/** Fixed overhead of a record, so positions look like byte offsets. */
const RECORD_HEADER = 120;

export class KurrentLog {
  readonly records: LogRecord[] = [];
  private readonly streams = new Map<string, LogRecord[]>();
  /** The server's committed-events cache: event id -> where it was written. Here it never evicts. */
  private readonly committed = new Map<string, LogRecord>();
  private nextPosition = 0n;
  private readonly listeners = new Set<() => void>();

  /** Calls `fn` after every write. Returns a function that removes it. */
  onWrite(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  stream(name: string): readonly LogRecord[] | undefined {
    return this.streams.get(name);
  }

  lastRevision(name: string): number {
    const s = this.streams.get(name);
    return s ? s.length - 1 : -1;
  }

  /** The commit check, then the write. */
  append(stream: string, expected: Expected, events: readonly Proposed[]): WriteOutcome {
    const current = this.lastRevision(stream);
    const wrong = (): WriteOutcome => ({ kind: 'wrong_expected_version', current: current < 0 ? undefined : current });
    if (current < 0 && !this.streams.has(stream)) {
      // A stream that never existed: only 'any' and 'no_stream' may create it.
      if (expected.kind !== 'any' && expected.kind !== 'no_stream') return wrong();
      return this.write(stream, events);
    }
    if (expected.kind === 'any' || expected.kind === 'stream_exists') {
      if (events.length === 0) return this.write(stream, events);
      let start = -1;
      let end = -1;
      for (const [i, e] of events.entries()) {
        const found = this.committed.get(e.eventId);
        if (!found || found.stream !== stream) return i === 0 ? this.write(stream, events) : wrong();
        if (i === 0) start = found.revision;
        end = found.revision;
      }
      void start;
      return { kind: 'success', lastRevision: end, position: this.streams.get(stream)![end]!.position };
    }
    const exp = expected.kind === 'no_stream' ? -1 : expected.revision;
    if (exp < current) {
      let n = exp;
      for (const e of events) {
        n += 1;
        const at = this.streams.get(stream)![n];
        if (at !== undefined && at.eventId === e.eventId) continue;
        return wrong(); // first mismatch: wrong expected version; later: corrupted idempotency, answered the same way
      }
      if (n === exp) return wrong();
      return { kind: 'success', lastRevision: n, position: this.streams.get(stream)![n]!.position };
    }
    if (exp > current) return wrong();
    return this.write(stream, events);
  }

  private write(stream: string, events: readonly Proposed[]): WriteOutcome {
    const rows = this.streams.get(stream) ?? [];
    const created = BigInt(Date.now()) * 10_000n;
    for (const e of events) {
      const record: LogRecord = { ...e, stream, revision: rows.length, position: this.nextPosition, created };
      this.nextPosition += BigInt(RECORD_HEADER + stream.length + e.type.length + e.data.length + e.customMetadata.length);
      rows.push(record);
      this.records.push(record);
      this.committed.set(e.eventId, record);
    }
    if (events.length > 0) this.streams.set(stream, rows);
    for (const fn of this.listeners) fn();
    const last = rows[rows.length - 1];
    return events.length === 0
      ? { kind: 'success', lastRevision: rows.length - 1, position: undefined }
      : { kind: 'success', lastRevision: last!.revision, position: last!.position };
  }

  /** Index of the first record at or after `position` in the log. */
  indexAtOrAfter(position: bigint): number {
    let lo = 0;
    let hi = this.records.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.records[mid]!.position < position) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Position just past the last record (what `$all` end means). */
  get end(): bigint {
    return this.nextPosition;
  }
}
