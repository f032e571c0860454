import type Database from 'better-sqlite3';
import { Subject } from 'rxjs';
import type { RawEvent } from '../../events/codec.js';
import { StoreUnavailableError, ValidationError } from '../../errors.js';
import type { AppendRequest, DriverFilter, StoreDriver } from '../driver.js';
import type { AppendResult } from '../eventStore.js';
import { planAppend, type StoredId } from '../planAppend.js';
import { SqliteLeases } from './leases.js';
import type { PartialTextChannel } from '../partials.js';

// The position comes out as text (the token), so rows are RawEvents as they are read.
const COLUMNS = `event_id AS eventId, stream_id AS streamId, stream_position AS streamPosition,
  CAST(global_position AS TEXT) AS globalPosition, type, data, metadata`;
const SKIPPED = 'type IN (SELECT value FROM json_each(@envelope))';
const ENVELOPE_COLUMNS = `event_id AS eventId, stream_id AS streamId, stream_position AS streamPosition,
  CAST(global_position AS TEXT) AS globalPosition, type, CASE WHEN ${SKIPPED} THEN NULL ELSE data END AS data,
  CASE WHEN ${SKIPPED} THEN NULL ELSE metadata END AS metadata`;

/** A row of {@link COLUMNS} (or {@link ENVELOPE_COLUMNS}) as an array. */
type RowArray = [string, string, number, string, string, unknown, unknown];

function toRawEvent(r: RowArray): RawEvent {
  return { eventId: r[0], streamId: r[1], streamPosition: r[2], globalPosition: r[3], type: r[4], data: r[5], metadata: r[6] };
}

/** Parse a global position token of this adapter (a decimal rowid). */
function positionOf(token: string): number {
  if (!/^\d{1,15}$/.test(token)) {
    throw new ValidationError(`'${token}' is not a global position of a sqlite store`, { path: 'from' });
  }
  return Number(token);
}

/**
 * A {@link StoreDriver} over one better-sqlite3 connection. Each batch is one IMMEDIATE
 * transaction; other processes' commits are noticed through `PRAGMA data_version`.
 */
export class SqliteDriver implements StoreDriver {
  readonly kind = 'sqlite';
  /** Fallback poll of subscribers; the data_version watcher usually wakes them sooner. */
  readonly pollIntervalMs = 50;
  readonly wake$ = new Subject<void>();
  readonly leases: SqliteLeases;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly rawStatements = new Map<string, Database.Statement>();
  private readonly commitBatch: (batch: readonly AppendRequest[]) => Array<AppendResult | Error>;
  private readonly watcher: NodeJS.Timeout;
  private dataVersion: number;
  private closed = false;
  /** Set by the opener when the database is shared through a file. */
  partials: PartialTextChannel | undefined;

  constructor(
    private readonly db: Database.Database,
    private readonly target: string,
    watchIntervalMs = 25,
  ) {
    this.leases = new SqliteLeases(db);
    const transaction = db.transaction((batch: readonly AppendRequest[]) => this.commitInTransaction(batch));
    // IMMEDIATE takes the write lock up front: no lock upgrade that could fail with SQLITE_BUSY.
    this.commitBatch = (batch) => transaction.immediate(batch);
    this.dataVersion = this.readDataVersion();
    this.watcher = setInterval(() => this.watch(), watchIntervalMs);
    this.watcher.unref();
  }

  commit(batch: readonly AppendRequest[]): Promise<Array<AppendResult | Error>> {
    let outcomes: Array<AppendResult | Error>;
    try {
      outcomes = this.commitBatch(batch);
    } catch (err) {
      return Promise.reject(new StoreUnavailableError(`${this.target} (commit of ${batch.length} appends)`, { cause: err }));
    }
    if (outcomes.some((o) => !(o instanceof Error) && o.positions.length > 0)) this.wake$.next();
    return Promise.resolve(outcomes);
  }

  /**
   * One batch inside its transaction: the batch's streams' versions and its caller-supplied ids
   * are looked up in one statement each; each request is then decided in batch order against
   * them, updated as requests are written (so two appends of one batch see each other).
   */
  private commitInTransaction(batch: readonly AppendRequest[]): Array<AppendResult | Error> {
    const versions = this.versions([...new Set(batch.map((r) => r.streamId))]);
    const stored = this.storedIds(batch.flatMap((r) => r.events.filter((e) => !e.generatedId).map((e) => e.eventId)));
    const insert = this.stmt(
      'INSERT INTO events (event_id, stream_id, stream_position, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)',
    );
    return batch.map((req) => {
      const actual = versions.get(req.streamId) ?? -1;
      const plan = planAppend(req.streamId, req.events, req.expectedVersion, actual, (id) => stored.get(id));
      if (plan.kind === 'error') return plan.error;
      if (plan.kind === 'done') return plan.result;
      const positions = req.events.map((e, i) => {
        const streamPosition = plan.startPosition + i;
        const globalPosition = String(insert.run(e.eventId, req.streamId, streamPosition, e.type, e.data, e.metadata).lastInsertRowid);
        stored.set(e.eventId, { streamId: req.streamId, streamPosition, globalPosition });
        return globalPosition;
      });
      const last = plan.startPosition + req.events.length - 1;
      versions.set(req.streamId, last);
      return { nextExpectedVersion: last, positions };
    });
  }

  /** The last position of each of these streams that has events. */
  private versions(streamIds: string[]): Map<string, number> {
    if (streamIds.length === 1) {
      const v = this.version(streamIds[0]!);
      return new Map(v === undefined ? [] : [[streamIds[0]!, v]]);
    }
    // One MAX per stream: each is a single seek at the end of the stream's index range.
    const rows = this.stmt(`SELECT s.value AS streamId, (SELECT MAX(stream_position) FROM events WHERE stream_id = s.value) AS v
      FROM json_each(?) AS s`).all(JSON.stringify(streamIds)) as Array<{ streamId: string; v: number | null }>;
    return new Map(rows.flatMap((r) => (r.v === null ? [] : [[r.streamId, r.v] as const])));
  }

  /** Where each of these event ids is stored, for those that are. */
  private storedIds(eventIds: string[]): Map<string, StoredId> {
    if (eventIds.length === 0) return new Map();
    const rows = this.stmt(`SELECT event_id AS eventId, stream_id AS streamId, stream_position AS streamPosition,
      global_position AS globalPosition FROM events WHERE event_id IN (SELECT value FROM json_each(?))`).all(JSON.stringify(eventIds)) as Array<
      { eventId: string; streamId: string; streamPosition: number; globalPosition: number }
    >;
    return new Map(rows.map((r) => [r.eventId, { streamId: r.streamId, streamPosition: r.streamPosition, globalPosition: String(r.globalPosition) }]));
  }

  readStream(
    streamId: string,
    range: { from: number; to: number; direction: 'forwards' | 'backwards'; limit: number },
  ): Promise<RawEvent[]> {
    return this.run(() => {
      const rows =
        range.direction === 'forwards'
          ? this.stmt(`SELECT ${COLUMNS} FROM events WHERE stream_id = ? AND stream_position >= ? AND stream_position <= ?
              ORDER BY stream_position ASC LIMIT ?`).all(streamId, range.from, range.to, range.limit)
          : this.stmt(`SELECT ${COLUMNS} FROM events WHERE stream_id = ? AND stream_position <= ? AND stream_position >= ?
              ORDER BY stream_position DESC LIMIT ?`).all(streamId, range.from, range.to, range.limit);
      return rows as RawEvent[];
    });
  }

  readAll(after: string | undefined, limit: number, filter: DriverFilter | undefined): Promise<RawEvent[]> {
    return this.run(() => {
      const where = ['global_position > @after'];
      const params: Record<string, unknown> = { after: after === undefined ? 0 : positionOf(after), limit };
      if (filter?.streamId !== undefined) {
        where.push('stream_id = @streamId');
        params.streamId = filter.streamId;
      }
      if (filter?.streamPrefix !== undefined && filter.streamPrefix !== '') {
        // Range first (index-friendly), then an exact check: no LIKE/GLOB escaping pitfalls.
        where.push('stream_id >= @prefix AND substr(stream_id, 1, length(@prefix)) = @prefix');
        params.prefix = filter.streamPrefix;
      }
      if (filter?.types !== undefined) {
        // Walk an index in global order, never sort: (type, position) for one type and no stream,
        // else the stream's index or the rowid with the types as a filter (`+type` skips its index).
        const oneType = filter.types.length === 1 && filter.streamId === undefined;
        where.push(oneType ? 'type = @type' : '+type IN (SELECT value FROM json_each(@types))');
        if (oneType) params.type = filter.types[0];
        else params.types = JSON.stringify(filter.types);
      }
      let columns = COLUMNS;
      if (filter?.envelopeOnly?.length) {
        // The payloads the reader will not decode stay in the database.
        columns = ENVELOPE_COLUMNS;
        params.envelope = JSON.stringify(filter.envelopeOnly);
      }
      const sql = `SELECT ${columns} FROM events WHERE ${where.join(' AND ')} ORDER BY global_position ASC LIMIT @limit`;
      return (this.rawStmt(sql).all(params) as RowArray[]).map(toRawEvent);
    });
  }

  streamVersion(streamId: string): Promise<number | undefined> {
    return this.run(() => this.version(streamId));
  }

  headPosition(): Promise<string | undefined> {
    return this.run(() => {
      const r = this.stmt('SELECT MAX(global_position) AS head FROM events').get() as { head: number | null };
      return r.head === null ? undefined : String(r.head);
    });
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    clearInterval(this.watcher);
    this.wake$.complete();
    this.db.close();
    return Promise.resolve();
  }

  private version(streamId: string): number | undefined {
    const r = this.stmt('SELECT MAX(stream_position) AS v FROM events WHERE stream_id = ?').get(streamId) as {
      v: number | null;
    };
    return r.v ?? undefined;
  }

  /** Wake subscribers when another connection (or process) has committed since the last look. */
  private watch(): void {
    if (this.closed || !this.wake$.observed) return;
    try {
      const v = this.readDataVersion();
      if (v !== this.dataVersion) {
        this.dataVersion = v;
        this.wake$.next();
      }
    } catch {
      // Busy or closing: subscribers still poll on their own.
    }
  }

  private readDataVersion(): number {
    return this.stmt('PRAGMA data_version').pluck().get() as number;
  }

  /** A statement that returns rows as arrays (cheaper to build than objects for long reads). */
  private rawStmt(sql: string): Database.Statement {
    let s = this.rawStatements.get(sql);
    if (!s) {
      s = this.db.prepare(sql).raw(true);
      this.rawStatements.set(sql, s);
    }
    return s;
  }

  private stmt(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  /** Run a read; validation errors pass through, database failures become a clear store error. */
  private run<T>(read: () => T): Promise<T> {
    try {
      return Promise.resolve(read());
    } catch (err) {
      if (err instanceof ValidationError) return Promise.reject(err);
      return Promise.reject(new StoreUnavailableError(this.target, { cause: err }));
    }
  }
}
