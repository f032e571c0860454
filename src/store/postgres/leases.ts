import { escapeIdentifier, type Pool } from 'pg';
import { PARKED_UNTIL_WOKEN, type Claimed, type ClaimRequest, type EnqueueRequest, type LeaseStore, type ParkRequest, type RunLease, type WorkerInfo, type WorkerRecord } from '../leases.js';
import { inTransaction } from './transaction.js';

/** Now in epoch ms by the database's clock: every machine's leases use the same clock. */
const NOW = `(extract(epoch from clock_timestamp()) * 1000)::bigint`;

/** The lease and worker tables of one schema (created by the store's migration). */
export function leaseTablesSql(schema: string): string {
  const q = escapeIdentifier(schema);
  return `
CREATE TABLE IF NOT EXISTS ${q}.run_leases (
  run_id      text    PRIMARY KEY,
  workflow    text    NOT NULL,
  max_running integer,
  holder      text,
  expires_at  bigint,
  enqueued_at bigint  NOT NULL,
  seq         bigserial,
  claims      integer NOT NULL DEFAULT 0
);
ALTER TABLE ${q}.run_leases ADD COLUMN IF NOT EXISTS not_before bigint;
CREATE TABLE IF NOT EXISTS ${q}.worker_heartbeats (
  id           text    PRIMARY KEY,
  host         text    NOT NULL,
  pid          integer NOT NULL,
  concurrency  integer NOT NULL,
  held         integer NOT NULL,
  draining     boolean NOT NULL,
  heartbeat_at bigint  NOT NULL,
  expires_at   bigint  NOT NULL
);`;
}

interface LeaseRow {
  run_id: string;
  workflow: string;
  holder: string | null;
  expires_at: string | null;
  enqueued_at: string;
  claims: number;
  live: boolean;
  not_before: string | null;
}

/**
 * Leases in the store's PostgreSQL schema. Claims are serialised by a transaction-scoped advisory
 * lock, so two workers never both see room under a workflow's limit.
 */
export class PostgresLeases implements LeaseStore {
  private readonly leasesTable: string;
  private readonly workersTable: string;

  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
  ) {
    const q = escapeIdentifier(schema);
    this.leasesTable = `${q}.run_leases`;
    this.workersTable = `${q}.worker_heartbeats`;
  }

  async enqueue(r: EnqueueRequest): Promise<void> {
    await this.pool.query(
      `INSERT INTO ${this.leasesTable} (run_id, workflow, max_running, holder, expires_at, enqueued_at, claims)
       VALUES ($1, $2, $3, $4, CASE WHEN $4::text IS NULL THEN NULL ELSE ${NOW} + $5::bigint END, ${NOW}, $6)
       ON CONFLICT (run_id) DO NOTHING`,
      [r.runId, r.workflow, r.limit ?? null, r.holder ?? null, r.leaseMs ?? 0, r.holder ? 1 : 0],
    );
  }

  claim(r: ClaimRequest): Promise<Claimed[]> {
    return inTransaction(this.pool, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`aigen:claim:${this.schema}`]);
      const candidates = await client.query<{ run_id: string; workflow: string; max_running: number | null; claims: number }>(
        `SELECT run_id, workflow, max_running, claims FROM (
           SELECT *, row_number() OVER (PARTITION BY claims = 0, workflow ORDER BY enqueued_at, seq) AS turn FROM ${this.leasesTable}
           WHERE (holder IS NULL OR expires_at < ${NOW}) AND (not_before IS NULL OR not_before <= ${NOW}) AND ($1::text[] IS NULL OR workflow = ANY($1::text[]))) AS runnable
         ORDER BY claims = 0, turn, enqueued_at, seq LIMIT $2`,
        [r.workflows ? [...r.workflows] : null, Math.max(r.max * 4, 32)],
      );
      const out: Claimed[] = [];
      for (const c of candidates.rows) {
        if (out.length >= r.max) break;
        if (c.max_running !== null) {
          const n = await client.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM ${this.leasesTable} WHERE workflow = $1 AND holder IS NOT NULL AND expires_at >= ${NOW}`,
            [c.workflow],
          );
          if (n.rows[0]!.n >= c.max_running) continue;
        }
        await client.query(`UPDATE ${this.leasesTable} SET holder = $1, expires_at = ${NOW} + $2::bigint, claims = claims + 1, not_before = NULL WHERE run_id = $3`, [
          r.workerId,
          r.leaseMs,
          c.run_id,
        ]);
        out.push({ runId: c.run_id, workflow: c.workflow, resumed: c.claims > 0 });
      }
      return out;
    });
  }

  async renew(workerId: string, runIds: readonly string[], leaseMs: number): Promise<string[]> {
    if (runIds.length === 0) return [];
    const r = await this.pool.query<{ run_id: string }>(
      `UPDATE ${this.leasesTable} SET expires_at = ${NOW} + $1::bigint WHERE holder = $2 AND run_id = ANY($3::text[]) RETURNING run_id`,
      [leaseMs, workerId, [...runIds]],
    );
    return r.rows.map((row) => row.run_id);
  }

  async release(runId: string, workerId: string): Promise<void> {
    await this.pool.query(`UPDATE ${this.leasesTable} SET holder = NULL, expires_at = NULL WHERE run_id = $1 AND holder = $2`, [runId, workerId]);
  }

  async park(r: ParkRequest): Promise<void> {
    await this.enqueue({ runId: r.runId, workflow: r.workflow, limit: r.limit });
    await this.pool.query(
      `UPDATE ${this.leasesTable} SET holder = NULL, expires_at = NULL, not_before = $2 WHERE run_id = $1 AND ($3::text IS NULL OR holder IS NULL OR holder = $3)`,
      [r.runId, r.wakeAt ?? PARKED_UNTIL_WOKEN, r.holder ?? null],
    );
  }

  async wake(runId: string): Promise<void> {
    await this.pool.query(`UPDATE ${this.leasesTable} SET not_before = NULL WHERE run_id = $1`, [runId]);
  }

  async finish(runId: string, workerId?: string): Promise<void> {
    await this.pool.query(`DELETE FROM ${this.leasesTable} WHERE run_id = $1 AND ($2::text IS NULL OR holder = $2)`, [runId, workerId ?? null]);
  }

  async leases(runIds?: readonly string[]): Promise<RunLease[]> {
    if (runIds?.length === 0) return [];
    const r = await this.pool.query<LeaseRow>(
      `SELECT run_id, workflow, holder, expires_at::text, enqueued_at::text, claims, not_before::text, (holder IS NOT NULL AND expires_at >= ${NOW}) AS live
       FROM ${this.leasesTable} WHERE $1::text[] IS NULL OR run_id = ANY($1::text[]) ORDER BY enqueued_at, seq`,
      [runIds ? [...runIds] : null],
    );
    return r.rows.map((row) => ({
      runId: row.run_id,
      workflow: row.workflow,
      holder: row.holder ?? undefined,
      expiresAt: row.expires_at === null ? undefined : Number(row.expires_at),
      live: row.live,
      enqueuedAt: Number(row.enqueued_at),
      claims: row.claims,
      parked: row.not_before !== null,
      wakeAt: row.not_before === null || Number(row.not_before) === PARKED_UNTIL_WOKEN ? undefined : Number(row.not_before),
    }));
  }

  async heartbeat(w: WorkerInfo, ttlMs: number): Promise<void> {
    await this.pool.query(
      `INSERT INTO ${this.workersTable} (id, host, pid, concurrency, held, draining, heartbeat_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, ${NOW}, ${NOW} + $7::bigint)
       ON CONFLICT (id) DO UPDATE SET host = excluded.host, pid = excluded.pid, concurrency = excluded.concurrency, held = excluded.held,
         draining = excluded.draining, heartbeat_at = excluded.heartbeat_at, expires_at = excluded.expires_at`,
      [w.id, w.host, w.pid, w.concurrency, w.held, w.draining, ttlMs],
    );
  }

  async removeWorker(workerId: string): Promise<void> {
    await this.pool.query(`DELETE FROM ${this.workersTable} WHERE id = $1`, [workerId]);
  }

  async workers(): Promise<WorkerRecord[]> {
    const r = await this.pool.query<{ id: string; host: string; pid: number; concurrency: number; held: number; draining: boolean; heartbeat_at: string; expires_at: string }>(
      `SELECT id, host, pid, concurrency, held, draining, heartbeat_at::text, expires_at::text FROM ${this.workersTable} WHERE expires_at >= ${NOW} ORDER BY id`,
    );
    return r.rows.map((w) => ({ ...w, heartbeatAt: Number(w.heartbeat_at), expiresAt: Number(w.expires_at) })).map(({ heartbeat_at: _h, expires_at: _e, ...w }) => w);
  }
}
