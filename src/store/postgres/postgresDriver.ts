import type { Pool } from 'pg';
import { Subject } from 'rxjs';
import type { RawEvent } from '../../events/codec.js';
import { StoreUnavailableError, ValidationError } from '../../errors.js';
import type { AppendRequest, DriverFilter, StoreDriver, WakeHint } from '../driver.js';
import { hintOf, hintPayload } from './wakeHint.js';
import type { AppendResult } from '../eventStore.js';
import { encodePosition } from './position.js';
import { globalQuery, pendingTopSql, SAFE, storable, streamQuery, toRaw, withPendingTop, type EventRow, type PageRow } from './queries.js';
import type { SchemaNames } from './schema.js';
import { createStreamRows, unstorable, writeBatch } from './writeBatch.js';
import { appendInOneStatement } from './appendFunction.js';
import { PostgresLeases } from './leases.js';
import { checkout, type CheckedOut } from './transaction.js';
import type { PartialTextChannel } from '../partials.js';

/** Tuning of {@link PostgresDriver}. */
export interface PostgresDriverOptions {
  /** Subscribers' fallback poll when no notification arrives. Default 150 ms. */
  pollIntervalMs?: number;
  /**
   * How long a read at the tail of the log may wait for transactions older than the newest
   * committed event to finish, so that a read right after an acknowledged append sees it.
   * Default 2000 ms; 0 never waits (the read then returns only what is already safe).
   */
  visibilityWaitMs?: number;
}

/** Deadlock, serialisation failure, unique violation (a stream position or event id another writer took). */
const RETRYABLE = new Set(['40P01', '40001', '23505']);
const ATTEMPTS = 5;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * A {@link StoreDriver} over a `pg` pool. Each batch is one statement calling the store's append
 * function ({@link appendInOneStatement}) when every request is a plain write, else one READ
 * COMMITTED transaction ({@link writeBatch}). Global reads follow `(transaction_id, global_position)` and only see rows
 * whose transaction is below the snapshot's xmin, so no reader ever skips a late commit.
 */
export class PostgresDriver implements StoreDriver {
  readonly kind = 'postgres';
  readonly wake$ = new Subject<WakeHint | void>();
  readonly leases: PostgresLeases;
  readonly pollIntervalMs: number;
  private readonly visibilityWaitMs: number;
  private closed = false;
  /** Set by the opener. */
  partials: PartialTextChannel | undefined;
  private closers: Array<() => Promise<void>> = [];

  constructor(
    private readonly pool: Pool,
    private readonly names: SchemaNames,
    private readonly target: string,
    options: PostgresDriverOptions = {},
  ) {
    this.leases = new PostgresLeases(pool, names.schema);
    this.pollIntervalMs = options.pollIntervalMs ?? 150;
    this.visibilityWaitMs = options.visibilityWaitMs ?? 2000;
  }

  /** Run `close` (e.g. stopping the LISTEN connection) when the driver closes. */
  onClose(close: () => Promise<void>): void {
    this.closers.push(close);
  }

  async commit(batch: readonly AppendRequest[]): Promise<Array<AppendResult | Error>> {
    const hint = hintOf(batch);
    const payload = hintPayload(hint);
    if (!batch.some(unstorable)) {
      try {
        // The common case in one round trip; anything else (a conflict, a retried or duplicate id) below.
        const outcomes = await appendInOneStatement(this.pool, this.names, batch, payload);
        if (outcomes) {
          if (outcomes.some((o) => o.positions.length > 0)) this.wake$.next(hint);
          return outcomes;
        }
      } catch (err) {
        const code = (err as { code?: unknown }).code;
        if (!(typeof code === 'string' && RETRYABLE.has(code))) {
          throw new StoreUnavailableError(`${this.target} (commit of ${batch.length} appends)`, { cause: err });
        }
      }
    }
    for (let attempt = 1; ; attempt++) {
      const { client, release } = await this.connect(batch.length);
      try {
        await createStreamRows(client, this.names, batch);
        await client.query('BEGIN ISOLATION LEVEL READ COMMITTED');
        const outcomes = await writeBatch(client, this.names, batch, payload);
        await client.query('COMMIT');
        release();
        if (outcomes.some((o) => !(o instanceof Error) && o.positions.length > 0)) this.wake$.next(hint);
        return outcomes;
      } catch (err) {
        let broken = false;
        await client.query('ROLLBACK').catch(() => (broken = true));
        release(broken);
        const code = (err as { code?: unknown }).code;
        if (typeof code === 'string' && RETRYABLE.has(code) && attempt < ATTEMPTS) continue;
        throw new StoreUnavailableError(`${this.target} (commit of ${batch.length} appends)`, { cause: err });
      }
    }
  }

  async readStream(
    streamId: string,
    range: { from: number; to: number; direction: 'forwards' | 'backwards'; limit: number },
  ): Promise<RawEvent[]> {
    const q = streamQuery(this.names, streamId, range);
    return q ? (await this.query<EventRow>(q.sql, q.params)).map(toRaw) : [];
  }

  async readAll(after: string | undefined, limit: number, filter: DriverFilter | undefined): Promise<RawEvent[]> {
    const q = globalQuery(this.names, after, limit, filter);
    if (!q) return [];
    if (this.visibilityWaitMs <= 0) return (await this.query<EventRow>(q.sql, q.params)).map(toRaw);
    // The page and whether committed events are still hidden behind an older open transaction, in one round trip.
    const page = withPendingTop(this.names, q);
    const got = await this.query<PageRow>(page.sql, page.params);
    const rows = got.filter((r): r is EventRow & PageRow => r.event_id !== null);
    const top = got[0]?.pending_top ?? null;
    // A short page is the visible tail: let older in-flight transactions finish, then re-read.
    if (rows.length < limit && top !== null) {
      await this.settleFrom(top);
      return (await this.query<EventRow>(q.sql, q.params)).map(toRaw);
    }
    return rows.map(toRaw);
  }

  async streamVersion(streamId: string): Promise<number | undefined> {
    if (!storable(streamId)) return undefined;
    const r = await this.query<{ version: string }>(
      `SELECT stream_position AS version FROM ${this.names.events} WHERE stream_id = $1 ORDER BY stream_position DESC LIMIT 1`,
      [streamId],
    );
    const v = r[0] === undefined ? -1 : Number(r[0].version);
    return v < 0 ? undefined : v;
  }

  async headPosition(): Promise<string | undefined> {
    await this.settle();
    const r = await this.query<{ transaction_id: string; global_position: string }>(
      `SELECT transaction_id::text, global_position::text FROM ${this.names.events} AS e WHERE ${SAFE}
       ORDER BY e.transaction_id DESC, e.global_position DESC LIMIT 1`,
    );
    return r[0] && encodePosition(r[0].transaction_id, r[0].global_position);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.wake$.complete();
    for (const close of this.closers) await close();
    await this.pool.end();
  }

  /**
   * When committed events exist whose transaction is not yet below xmin (an older transaction
   * is still open), wait until they are, at most `visibilityWaitMs`.
   */
  private async settle(): Promise<void> {
    if (this.visibilityWaitMs <= 0) return;
    const [first] = await this.query<{ pending_top: string | null }>(pendingTopSql(this.names));
    if (first?.pending_top) await this.settleFrom(first.pending_top);
  }

  /** Wait until transaction `top` is below xmin, at most `visibilityWaitMs`. */
  private async settleFrom(top: string): Promise<void> {
    const deadline = Date.now() + this.visibilityWaitMs;
    for (let pause = 2; !this.closed && Date.now() < deadline; pause = Math.min(pause * 2, 50)) {
      await sleep(pause);
      const [r] = await this.query<{ settled: boolean }>(
        'SELECT pg_snapshot_xmin(pg_current_snapshot()) > $1::xid8 AS settled',
        [top],
      );
      if (r?.settled) break;
    }
  }

  private async query<R extends object>(sql: string, params: unknown[] = []): Promise<R[]> {
    try {
      return (await this.pool.query<R>(sql, params)).rows;
    } catch (err) {
      if (err instanceof ValidationError) throw err;
      throw new StoreUnavailableError(this.target, { cause: err });
    }
  }

  private async connect(count: number): Promise<CheckedOut> {
    try {
      return await checkout(this.pool);
    } catch (err) {
      throw new StoreUnavailableError(`${this.target} (commit of ${count} appends)`, { cause: err });
    }
  }
}
