import { escapeIdentifier, escapeLiteral, type Pool } from 'pg';
import { alterWhenColumn } from './ddl.js';
import { PARKED_UNTIL_WOKEN, type Claimed, type ClaimRequest, type EnqueueRequest, type LeaseStore, type ParkRequest, type RunLease, type WorkerInfo, type WorkerRecord } from '../leases.js';

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
${alterWhenColumn(`${q}.run_leases`, 'not_before', 'missing', `ALTER TABLE ${q}.run_leases ADD COLUMN not_before bigint`)}
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

/**
 * The claim function: under the schema's claim lock, the runnable runs in turn order (runs whose
 * lease expired first, then each workflow's oldest, then each one's second, ...), skipping those
 * whose workflow is at its limit, up to `p_max`, each taken for `p_worker` for `p_lease_ms`.
 * One statement, so the lock is held only while the server runs it: a client that stops (e.g.
 * SIGSTOP) between round trips cannot keep other workers from claiming.
 */
export function claimFunctionSql(schema: string): string {
  const q = escapeIdentifier(schema);
  const lockKey = `aigen:claim:${schema}`.replace(/'/g, "''");
  return `
CREATE OR REPLACE FUNCTION ${q}.aigen_claim_v1(p_worker text, p_lease_ms bigint, p_workflows text[], p_max integer)
RETURNS TABLE (claimed_run text, claimed_workflow text, prior_claims integer)
LANGUAGE plpgsql AS $fn$
DECLARE
  c record;
  running integer;
  taken integer := 0;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended('${lockKey}', 0));
  FOR c IN
    SELECT r.run_id, r.workflow, r.max_running, r.claims FROM (
      SELECT l.run_id, l.workflow, l.max_running, l.claims, l.enqueued_at, l.seq,
        row_number() OVER (PARTITION BY l.claims = 0, l.workflow ORDER BY l.enqueued_at, l.seq) AS turn
      FROM ${q}.run_leases AS l
      WHERE (l.holder IS NULL OR l.expires_at < ${NOW}) AND (l.not_before IS NULL OR l.not_before <= ${NOW})
        AND (p_workflows IS NULL OR l.workflow = ANY(p_workflows))) AS r
    ORDER BY r.claims = 0, r.turn, r.enqueued_at, r.seq LIMIT greatest(p_max * 4, 32)
  LOOP
    EXIT WHEN taken >= p_max;
    IF c.max_running IS NOT NULL THEN
      SELECT count(*)::int INTO running FROM ${q}.run_leases AS l
        WHERE l.workflow = c.workflow AND l.holder IS NOT NULL AND l.expires_at >= ${NOW};
      CONTINUE WHEN running >= c.max_running;
    END IF;
    UPDATE ${q}.run_leases AS l SET holder = p_worker, expires_at = ${NOW} + p_lease_ms, claims = l.claims + 1, not_before = NULL
      WHERE l.run_id = c.run_id;
    taken := taken + 1;
    claimed_run := c.run_id;
    claimed_workflow := c.workflow;
    prior_claims := c.claims;
    RETURN NEXT;
  END LOOP;
END
$fn$;`;
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
 * Leases in the store's PostgreSQL schema. A claim is one call of the schema's claim function
 * ({@link claimFunctionSql}), serialised by a transaction-scoped advisory lock, so two workers
 * never both see room under a workflow's limit.
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

  /** One call of the schema's claim function: no transaction stays open between round trips. */
  async claim(r: ClaimRequest): Promise<Claimed[]> {
    const rows = await this.pool.query<{ claimed_run: string; claimed_workflow: string; prior_claims: number }>(
      `SELECT claimed_run, claimed_workflow, prior_claims FROM ${escapeIdentifier(this.schema)}.aigen_claim_v1($1, $2, $3, $4)`,
      [r.workerId, r.leaseMs, r.workflows ? [...r.workflows] : null, r.max],
    );
    return rows.rows.map((c) => ({ runId: c.claimed_run, workflow: c.claimed_workflow, resumed: c.prior_claims > 0 }));
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

  /**
   * Forget a run's row. The commit does not wait for the WAL flush: a crash that loses the delete
   * leaves the row of a run that has ended, which the next claim of it drops (the run is found
   * finished). One Query message of two statements, so one round trip and one transaction.
   */
  async finish(runId: string, workerId?: string): Promise<void> {
    const holder = workerId === undefined ? '' : ` AND holder = ${escapeLiteral(workerId)}`;
    await this.pool.query(`SET LOCAL synchronous_commit = off; DELETE FROM ${this.leasesTable} WHERE run_id = ${escapeLiteral(runId)}${holder}`);
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
