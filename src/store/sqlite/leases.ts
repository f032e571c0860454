import type Database from 'better-sqlite3';
import { PARKED_UNTIL_WOKEN, type Claimed, type ClaimRequest, type EnqueueRequest, type LeaseStore, type ParkRequest, type RunLease, type WorkerInfo, type WorkerRecord } from '../leases.js';

/** The lease and worker tables, in the events' database file. Times are epoch ms of this machine. */
export const LEASE_SCHEMA = `
CREATE TABLE IF NOT EXISTS run_leases (
  run_id      TEXT    PRIMARY KEY,
  workflow    TEXT    NOT NULL,
  max_running INTEGER,
  holder      TEXT,
  expires_at  INTEGER,
  enqueued_at INTEGER NOT NULL,
  seq         INTEGER NOT NULL,
  claims      INTEGER NOT NULL DEFAULT 0,
  not_before  INTEGER
);
CREATE INDEX IF NOT EXISTS run_leases_order ON run_leases (enqueued_at, seq);
CREATE TABLE IF NOT EXISTS worker_heartbeats (
  id           TEXT    PRIMARY KEY,
  host         TEXT    NOT NULL,
  pid          INTEGER NOT NULL,
  concurrency  INTEGER NOT NULL,
  held         INTEGER NOT NULL,
  draining     INTEGER NOT NULL,
  heartbeat_at INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL
);
`;

/** Columns added since the table was first created, added to older files on open. */
export function migrateLeaseTable(db: Database.Database): void {
  const columns = (db.prepare('PRAGMA table_info(run_leases)').all() as Array<{ name: string }>).map((c) => c.name);
  if (!columns.includes('not_before')) db.exec('ALTER TABLE run_leases ADD COLUMN not_before INTEGER');
}

interface LeaseRow {
  not_before: number | null;
  run_id: string;
  workflow: string;
  holder: string | null;
  expires_at: number | null;
  enqueued_at: number;
  claims: number;
}

interface WorkerRow {
  id: string;
  host: string;
  pid: number;
  concurrency: number;
  held: number;
  draining: number;
  heartbeat_at: number;
  expires_at: number;
}

/** Leases in the SQLite file: every change is one IMMEDIATE transaction, so claims never race. */
export class SqliteLeases implements LeaseStore {
  private readonly claimTx: (r: ClaimRequest) => Claimed[];
  /** Prepared statements of fixed text, prepared once per connection. */
  private readonly statements = new Map<string, Database.Statement>();

  constructor(
    private readonly db: Database.Database,
    private readonly now: () => number = Date.now,
  ) {
    const tx = db.transaction((r: ClaimRequest) => this.claimIn(r));
    this.claimTx = (r) => tx.immediate(r);
  }

  private stmt(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) this.statements.set(sql, (statement = this.db.prepare(sql)));
    return statement;
  }

  enqueue(r: EnqueueRequest): Promise<void> {
    const now = this.now();
    this.stmt(
      `INSERT INTO run_leases (run_id, workflow, max_running, holder, expires_at, enqueued_at, seq, claims)
       VALUES (?, ?, ?, ?, ?, ?, (SELECT coalesce(max(seq), 0) + 1 FROM run_leases), ?) ON CONFLICT (run_id) DO NOTHING`,
    ).run(r.runId, r.workflow, r.limit ?? null, r.holder ?? null, r.holder ? now + (r.leaseMs ?? 0) : null, now, r.holder ? 1 : 0);
    return Promise.resolve();
  }

  claim(r: ClaimRequest): Promise<Claimed[]> {
    return Promise.resolve(this.claimTx(r));
  }

  private claimIn(r: ClaimRequest): Claimed[] {
    const now = this.now();
    const filter = r.workflows ? `AND workflow IN (${r.workflows.map(() => '?').join(',')})` : '';
    const candidates = this.db
      .prepare(
        `SELECT run_id, workflow, max_running, claims FROM (
           SELECT *, row_number() OVER (PARTITION BY claims = 0, workflow ORDER BY enqueued_at, seq) AS turn FROM run_leases
           WHERE (holder IS NULL OR expires_at < ?) AND (not_before IS NULL OR not_before <= ?) ${filter})
         ORDER BY claims = 0, turn, enqueued_at, seq LIMIT ?`,
      )
      .all(now, now, ...(r.workflows ?? []), Math.max(r.max * 4, 32)) as Array<{ run_id: string; workflow: string; max_running: number | null; claims: number }>;
    const running = this.stmt('SELECT count(*) AS n FROM run_leases WHERE workflow = ? AND holder IS NOT NULL AND expires_at >= ?');
    const take = this.stmt('UPDATE run_leases SET holder = ?, expires_at = ?, claims = claims + 1, not_before = NULL WHERE run_id = ?');
    const out: Claimed[] = [];
    for (const c of candidates) {
      if (out.length >= r.max) break;
      if (c.max_running !== null && (running.get(c.workflow, now) as { n: number }).n >= c.max_running) continue;
      take.run(r.workerId, now + r.leaseMs, c.run_id);
      out.push({ runId: c.run_id, workflow: c.workflow, resumed: c.claims > 0 });
    }
    return out;
  }

  renew(workerId: string, runIds: readonly string[], leaseMs: number): Promise<string[]> {
    if (runIds.length === 0) return Promise.resolve([]);
    const marks = runIds.map(() => '?').join(',');
    const rows = this.db
      .prepare(`UPDATE run_leases SET expires_at = ? WHERE holder = ? AND run_id IN (${marks}) RETURNING run_id`)
      .all(this.now() + leaseMs, workerId, ...runIds) as Array<{ run_id: string }>;
    return Promise.resolve(rows.map((row) => row.run_id));
  }

  release(runId: string, workerId: string): Promise<void> {
    this.stmt('UPDATE run_leases SET holder = NULL, expires_at = NULL WHERE run_id = ? AND holder = ?').run(runId, workerId);
    return Promise.resolve();
  }

  async park(r: ParkRequest): Promise<void> {
    await this.enqueue({ runId: r.runId, workflow: r.workflow, limit: r.limit });
    this.stmt('UPDATE run_leases SET holder = NULL, expires_at = NULL, not_before = ? WHERE run_id = ? AND (? IS NULL OR holder IS NULL OR holder = ?)')
      .run(r.wakeAt ?? PARKED_UNTIL_WOKEN, r.runId, r.holder ?? null, r.holder ?? null);
  }

  wake(runId: string): Promise<void> {
    this.stmt('UPDATE run_leases SET not_before = NULL WHERE run_id = ?').run(runId);
    return Promise.resolve();
  }

  finish(runId: string, workerId?: string): Promise<void> {
    if (workerId === undefined) this.stmt('DELETE FROM run_leases WHERE run_id = ?').run(runId);
    else this.stmt('DELETE FROM run_leases WHERE run_id = ? AND holder = ?').run(runId, workerId);
    return Promise.resolve();
  }

  leases(runIds?: readonly string[]): Promise<RunLease[]> {
    const now = this.now();
    const rows = (
      runIds
        ? runIds.length === 0
          ? []
          : this.db.prepare(`SELECT * FROM run_leases WHERE run_id IN (${runIds.map(() => '?').join(',')})`).all(...runIds)
        : this.stmt('SELECT * FROM run_leases ORDER BY enqueued_at, seq').all()
    ) as LeaseRow[];
    return Promise.resolve(
      rows.map((row) => ({
        runId: row.run_id,
        workflow: row.workflow,
        holder: row.holder ?? undefined,
        expiresAt: row.expires_at ?? undefined,
        live: row.holder !== null && (row.expires_at ?? 0) >= now,
        enqueuedAt: row.enqueued_at,
        claims: row.claims,
        // A read-only open of an older file has no such column.
        parked: (row.not_before ?? null) !== null,
        wakeAt: (row.not_before ?? PARKED_UNTIL_WOKEN) === PARKED_UNTIL_WOKEN ? undefined : row.not_before ?? undefined,
      })),
    );
  }

  heartbeat(w: WorkerInfo, ttlMs: number): Promise<void> {
    const now = this.now();
    this.stmt(
      `INSERT INTO worker_heartbeats (id, host, pid, concurrency, held, draining, heartbeat_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET host = excluded.host, pid = excluded.pid, concurrency = excluded.concurrency, held = excluded.held,
         draining = excluded.draining, heartbeat_at = excluded.heartbeat_at, expires_at = excluded.expires_at`,
    ).run(w.id, w.host, w.pid, w.concurrency, w.held, w.draining ? 1 : 0, now, now + ttlMs);
    return Promise.resolve();
  }

  removeWorker(workerId: string): Promise<void> {
    this.stmt('DELETE FROM worker_heartbeats WHERE id = ?').run(workerId);
    return Promise.resolve();
  }

  workers(): Promise<WorkerRecord[]> {
    const rows = this.stmt('SELECT * FROM worker_heartbeats WHERE expires_at >= ? ORDER BY id').all(this.now()) as WorkerRow[];
    return Promise.resolve(
      rows.map((w) => ({
        id: w.id,
        host: w.host,
        pid: w.pid,
        concurrency: w.concurrency,
        held: w.held,
        draining: w.draining === 1,
        heartbeatAt: w.heartbeat_at,
        expiresAt: w.expires_at,
      })),
    );
  }
}
