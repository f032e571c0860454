import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { StoreUnavailableError } from '../../errors.js';
import { CheckpointConflictError } from '../errors.js';
import { CHANGING_RUN_COLUMNS, fromRunRow, RUN_COLUMNS, runsPageSql, runValues, type NormalizedRunsQuery, type RunRecord } from '../runsList.js';
import { fromErrorRow, fromUsageRow, prefixEnd, VIEW_TABLES, viewTablesSql } from '../sqlTables.js';
import type { UsageRow } from '../usage.js';
import type { BeforeCheckpointHook, ProjectionError, StoredRunViews, ViewCommit, ViewMeta, ViewStore } from '../viewStore.js';

const UPSERT_RUN = `INSERT INTO projection_runs (${RUN_COLUMNS.join(', ')}) VALUES (${RUN_COLUMNS.map(() => '?').join(', ')})
  ON CONFLICT (run_id) DO UPDATE SET ${CHANGING_RUN_COLUMNS.map((c) => `${c} = excluded.${c}`).join(', ')}`;

/**
 * Views in the sqlite database of the event store, over their own better-sqlite3 connection
 * (WAL). Each batch is one IMMEDIATE transaction: views, errors, then the checkpoint.
 * @example
 * ```ts
 * const views = openSqliteViewStore('.aigen/aigen.db');
 * ```
 */
export class SqliteViewStore implements ViewStore {
  readonly kind = 'sqlite';
  private readonly statements = new Map<string, Database.Statement>();
  private readonly write: (batch: ViewCommit, hook?: BeforeCheckpointHook) => void;

  constructor(private readonly db: Database.Database) {
    const transaction = db.transaction((batch: ViewCommit, hook?: BeforeCheckpointHook) => this.writeBatch(batch, hook));
    this.write = (batch, hook) => transaction.immediate(batch, hook);
  }

  private stmt(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) this.statements.set(sql, (s = this.db.prepare(sql)));
    return s;
  }

  readMeta(): Promise<ViewMeta> {
    const row = this.stmt('SELECT checkpoint, versions FROM projection_meta WHERE id = 1').get() as
      | { checkpoint: string | null; versions: string | null }
      | undefined;
    return Promise.resolve({
      checkpoint: row?.checkpoint ?? undefined,
      versions: row?.versions ? (JSON.parse(row.versions) as Record<string, number>) : undefined,
    });
  }

  loadRuns(runIds: readonly string[]): Promise<Map<string, StoredRunViews>> {
    const out = new Map<string, StoredRunViews>();
    const get = this.stmt('SELECT status, trace, usage FROM projection_run_views WHERE run_id = ?');
    for (const id of runIds) {
      const row = get.get(id) as StoredRunViews | undefined;
      if (row) out.set(id, row);
    }
    return Promise.resolve(out);
  }

  commit(batch: ViewCommit, beforeCheckpoint?: BeforeCheckpointHook): Promise<void> {
    try {
      this.write(batch, beforeCheckpoint);
      return Promise.resolve();
    } catch (err) {
      return Promise.reject(err instanceof CheckpointConflictError ? err : new StoreUnavailableError(`sqlite views ${this.db.name}`, { cause: err }));
    }
  }

  private writeBatch(batch: ViewCommit, hook?: BeforeCheckpointHook): void {
    const current = (this.stmt('SELECT checkpoint FROM projection_meta WHERE id = 1').get() as { checkpoint: string | null } | undefined)?.checkpoint ?? undefined;
    if (current !== batch.expected) throw new CheckpointConflictError(batch.expected, current);
    const views = this.stmt(`INSERT INTO projection_run_views (run_id, status, trace, usage) VALUES (?, ?, ?, ?)
      ON CONFLICT (run_id) DO UPDATE SET status = excluded.status, trace = excluded.trace, usage = excluded.usage`);
    const run = this.stmt(UPSERT_RUN);
    const dropUsage = this.stmt('DELETE FROM projection_usage WHERE run_id = ?');
    const usage = this.stmt(`INSERT INTO projection_usage (run_id, agent_id, model, root_run_id, requests, input_tokens, output_tokens, total_tokens)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
    for (const w of batch.runs) {
      views.run(w.runId, w.views.status, w.views.trace, w.views.usage);
      run.run(runValues(w.row));
      if (w.usage) {
        dropUsage.run(w.runId);
        for (const u of w.usage) usage.run(u.runId, u.agentId, u.model, u.rootRunId, u.usage.requests, u.usage.inputTokens, u.usage.outputTokens, u.usage.totalTokens);
      }
    }
    const error = this.stmt(`INSERT INTO projection_errors (global_position, stream_id, stream_position, event_id, type, code, message, recorded_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
    for (const e of batch.errors) error.run(e.globalPosition, e.streamId, e.streamPosition, e.eventId ?? null, e.type ?? null, e.code, e.message, e.recordedAt);
    if (hook && hook() instanceof Promise) throw new Error('a sqlite view store runs its beforeCheckpoint hook synchronously');
    this.stmt('UPDATE projection_meta SET checkpoint = ? WHERE id = 1').run(batch.checkpoint);
  }

  reset(versions: Record<string, number>): Promise<void> {
    this.db.transaction(() => {
      for (const table of VIEW_TABLES) this.db.exec(`DELETE FROM ${table}`);
      this.stmt('UPDATE projection_meta SET checkpoint = NULL, versions = ? WHERE id = 1').run(JSON.stringify(versions));
    }).immediate();
    return Promise.resolve();
  }

  status(runId: string): Promise<string | undefined> {
    return Promise.resolve(this.stmt('SELECT status FROM projection_run_views WHERE run_id = ?').pluck().get(runId) as string | undefined);
  }

  trace(runId: string): Promise<string | undefined> {
    return Promise.resolve(this.stmt('SELECT trace FROM projection_run_views WHERE run_id = ?').pluck().get(runId) as string | undefined);
  }

  forksOf(runId: string): Promise<Array<{ runId: string; position: number }>> {
    const rows = this.stmt(`SELECT run_id AS runId, fork_of_position AS position FROM projection_runs WHERE fork_of_run_id = ?
      ORDER BY fork_of_position, run_id`).all(runId) as Array<{ runId: string; position: number }>;
    return Promise.resolve(rows);
  }

  queryRuns(q: NormalizedRunsQuery): Promise<RunRecord[]> {
    const { sql, params } = runsPageSql('projection_runs', q, () => '?');
    return Promise.resolve((this.stmt(sql).all(params) as Array<Record<string, unknown>>).map(fromRunRow));
  }

  explainRuns(q: NormalizedRunsQuery): Promise<string> {
    const { sql, params } = runsPageSql('projection_runs', q, () => '?');
    const rows = this.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as Array<{ detail: string }>;
    return Promise.resolve(rows.map((r) => r.detail).join('\n'));
  }

  runTrees(rootRunIds: readonly string[]): Promise<RunRecord[]> {
    if (rootRunIds.length === 0) return Promise.resolve([]);
    const rows = this.db.prepare(`SELECT * FROM projection_runs WHERE root_run_id IN (${rootRunIds.map(() => '?').join(', ')})`).all(...rootRunIds);
    return Promise.resolve((rows as Array<Record<string, unknown>>).map(fromRunRow));
  }

  usageRows(runId?: string): Promise<UsageRow[]> {
    const rows = runId === undefined
      ? this.stmt('SELECT * FROM projection_usage').all()
      : this.stmt('SELECT * FROM projection_usage WHERE run_id = ? UNION ALL SELECT * FROM projection_usage WHERE root_run_id = ? AND run_id <> ?').all(runId, runId, runId);
    return Promise.resolve((rows as Array<Record<string, unknown>>).map(fromUsageRow));
  }

  matchRunIds(prefix: string, limit: number): Promise<string[]> {
    const ids = this.stmt(`SELECT run_id FROM projection_runs WHERE run_id >= ? AND run_id < ? ORDER BY run_id LIMIT ?`)
      .pluck()
      .all(prefix, prefixEnd(prefix), limit) as string[];
    return Promise.resolve(ids);
  }

  errors(): Promise<ProjectionError[]> {
    return Promise.resolve((this.stmt('SELECT * FROM projection_errors ORDER BY id').all() as Array<Record<string, unknown>>).map(fromErrorRow));
  }

  bulkInsertRuns(rows: readonly RunRecord[]): Promise<void> {
    const insert = this.stmt(UPSERT_RUN);
    this.db.transaction(() => {
      for (const r of rows) insert.run(runValues(r));
    }).immediate();
    this.db.exec('ANALYZE projection_runs');
    return Promise.resolve();
  }

  close(): Promise<void> {
    if (this.db.open) this.db.close();
    return Promise.resolve();
  }
}

/**
 * Open the views of the sqlite event store at `path` (its own connection to the same file).
 * @example
 * ```ts
 * const views = openSqliteViewStore('.aigen/aigen.db', { durability: 'normal' });
 * ```
 */
export function openSqliteViewStore(path: string, options: { durability?: 'full' | 'normal'; busyTimeoutMs?: number } = {}): SqliteViewStore {
  const inMemory = path === ':memory:';
  let db: Database.Database | undefined;
  try {
    if (!inMemory) mkdirSync(dirname(resolve(path)), { recursive: true });
    db = new Database(path);
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    if (!inMemory) db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.durability === 'normal' ? 'NORMAL' : 'FULL'}`);
    // The views are rewritten run by run all over the tables: keep their pages in memory (64 MiB).
    db.pragma('cache_size = -65536');
    const ddl = viewTablesSql('sqlite');
    db.transaction(() => {
      db!.exec(ddl);
      db!.prepare('INSERT OR IGNORE INTO projection_meta (id, checkpoint, versions) VALUES (1, NULL, NULL)').run();
    }).immediate();
    return new SqliteViewStore(db);
  } catch (err) {
    db?.close();
    throw new StoreUnavailableError(`sqlite views ${path}`, { cause: err });
  }
}
