import type Database from 'better-sqlite3';
import { Subject } from 'rxjs';
import type { RawEvent } from '../../events/codec.js';
import { StoreUnavailableError, ValidationError } from '../../errors.js';
import type { AppendRequest, DriverFilter, StoreDriver } from '../driver.js';
import type { AppendResult } from '../eventStore.js';
import { planAppend, type StoredId } from '../planAppend.js';
import { SqliteLeases } from './leases.js';
import type { PartialTextChannel } from '../partials.js';

const COLUMNS = `event_id AS eventId, stream_id AS streamId, stream_position AS streamPosition,
  global_position AS globalPosition, type, data, metadata`;

interface Row {
  eventId: string;
  streamId: string;
  streamPosition: number;
  globalPosition: number;
  type: string;
  data: string;
  metadata: string;
}

const toRaw = (r: Row): RawEvent => ({ ...r, globalPosition: String(r.globalPosition) });

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
   * One batch inside its transaction. Lookups run on the same connection, so they see the rows
   * written earlier in the batch; `versions` caches each stream's version as requests are written.
   */
  private commitInTransaction(batch: readonly AppendRequest[]): Array<AppendResult | Error> {
    const versions = new Map<string, number>();
    const byId = this.stmt(`SELECT stream_id AS streamId, stream_position AS streamPosition,
      global_position AS globalPosition FROM events WHERE event_id = ?`);
    const insert = this.stmt(
      'INSERT INTO events (event_id, stream_id, stream_position, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)',
    );
    const stored = (eventId: string): StoredId | undefined => {
      const r = byId.get(eventId) as { streamId: string; streamPosition: number; globalPosition: number } | undefined;
      return r && { ...r, globalPosition: String(r.globalPosition) };
    };
    return batch.map((req) => {
      const actual = versions.get(req.streamId) ?? this.version(req.streamId) ?? -1;
      const plan = planAppend(req.streamId, req.events, req.expectedVersion, actual, stored);
      if (plan.kind === 'error') return plan.error;
      if (plan.kind === 'done') return plan.result;
      const positions = req.events.map((e, i) => {
        const info = insert.run(e.eventId, req.streamId, plan.startPosition + i, e.type, e.data, e.metadata);
        return String(info.lastInsertRowid);
      });
      const last = plan.startPosition + req.events.length - 1;
      versions.set(req.streamId, last);
      return { nextExpectedVersion: last, positions };
    });
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
      return (rows as Row[]).map(toRaw);
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
      const sql = `SELECT ${COLUMNS} FROM events WHERE ${where.join(' AND ')} ORDER BY global_position ASC LIMIT @limit`;
      return (this.stmt(sql).all(params) as Row[]).map(toRaw);
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
