import { inTransaction } from '../../store/postgres/transaction.js';
import pg from 'pg';
import { StoreUnavailableError } from '../../errors.js';
import { CheckpointConflictError } from '../errors.js';
import { CHANGING_RUN_COLUMNS, fromRunRow, RUN_COLUMN_KINDS, RUN_COLUMNS, runsPageSql, runValues, type NormalizedRunsQuery, type RunRecord } from '../runsList.js';
import { fromErrorRow, fromUsageRow, prefixEnd, VIEW_TABLES, viewTablesSql } from '../sqlTables.js';
import type { UsageRow } from '../usage.js';
import type { BeforeCheckpointHook, ProjectionError, StoredRunViews, ViewCommit, ViewMeta, ViewStore } from '../viewStore.js';

const RUN_TYPES = RUN_COLUMNS.map((c) => (RUN_COLUMN_KINDS[c] === 'int' ? 'bigint' : 'text'));

/** Column arrays of many rows, for `unnest($1::t[], …)` inserts. */
function columns(rows: readonly unknown[][], width: number): unknown[][] {
  return Array.from({ length: width }, (_, c) => rows.map((r) => r[c]));
}

/**
 * Views in the postgres database of the event store, in the store's schema, over their own pool.
 * Each batch is one transaction that locks the checkpoint row first.
 * @example
 * ```ts
 * const views = await openPostgresViewStore('postgres://localhost/aigen', 'public');
 * ```
 */
export class PostgresViewStore implements ViewStore {
  readonly kind = 'postgres';
  private readonly t: (name: string) => string;
  private readonly upsertRuns: string;

  constructor(
    private readonly pool: pg.Pool,
    schema: string,
  ) {
    const q = `${pg.escapeIdentifier(schema)}.`;
    this.t = (name) => `${q}${name}`;
    const types = RUN_TYPES.map((type, i) => `$${i + 1}::${type}[]`).join(', ');
    this.upsertRuns = `INSERT INTO ${this.t('projection_runs')} (${RUN_COLUMNS.join(', ')}) SELECT * FROM unnest(${types})
      ON CONFLICT (run_id) DO UPDATE SET ${CHANGING_RUN_COLUMNS.map((c) => `${c} = excluded.${c}`).join(', ')}`;
  }

  private async rows<R>(sql: string, params: unknown[] = []): Promise<R[]> {
    return (await this.pool.query(sql, params)).rows as R[];
  }

  async readMeta(): Promise<ViewMeta> {
    const [row] = await this.rows<{ checkpoint: string | null; versions: string | null }>(`SELECT checkpoint, versions FROM ${this.t('projection_meta')} WHERE id = 1`);
    return { checkpoint: row?.checkpoint ?? undefined, versions: row?.versions ? (JSON.parse(row.versions) as Record<string, number>) : undefined };
  }

  async loadRuns(runIds: readonly string[]): Promise<Map<string, StoredRunViews>> {
    if (runIds.length === 0) return new Map();
    const rows = await this.rows<StoredRunViews & { run_id: string }>(
      `SELECT run_id, status, trace, usage FROM ${this.t('projection_run_views')} WHERE run_id = ANY($1::text[])`,
      [runIds],
    );
    return new Map(rows.map((r) => [r.run_id, { status: r.status, trace: r.trace, usage: r.usage }]));
  }

  async commit(batch: ViewCommit, beforeCheckpoint?: BeforeCheckpointHook): Promise<void> {
    try {
      await inTransaction(this.pool, async (client) => {
        const current = (await client.query<{ checkpoint: string | null }>(`SELECT checkpoint FROM ${this.t('projection_meta')} WHERE id = 1 FOR UPDATE`)).rows[0]?.checkpoint ?? undefined;
        if (current !== batch.expected) throw new CheckpointConflictError(batch.expected, current);
        const runs = batch.runs;
        if (runs.length > 0) {
          await client.query(
            `INSERT INTO ${this.t('projection_run_views')} (run_id, status, trace, usage) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
             ON CONFLICT (run_id) DO UPDATE SET status = excluded.status, trace = excluded.trace, usage = excluded.usage`,
            columns(runs.map((w) => [w.runId, w.views.status, w.views.trace, w.views.usage]), 4),
          );
          await client.query(this.upsertRuns, columns(runs.map((w) => runValues(w.row)), RUN_COLUMNS.length));
        }
        const withUsage = runs.filter((w) => w.usage);
        if (withUsage.length > 0) {
          await client.query(`DELETE FROM ${this.t('projection_usage')} WHERE run_id = ANY($1::text[])`, [withUsage.map((w) => w.runId)]);
          const rows = withUsage.flatMap((w) => w.usage!.map((u) => [u.runId, u.agentId, u.model, u.rootRunId, u.usage.requests, u.usage.inputTokens, u.usage.outputTokens, u.usage.totalTokens]));
          await client.query(
            `INSERT INTO ${this.t('projection_usage')} (run_id, agent_id, model, root_run_id, requests, input_tokens, output_tokens, total_tokens)
             SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[])`,
            columns(rows, 8),
          );
        }
        if (batch.errors.length > 0) {
          await client.query(
            `INSERT INTO ${this.t('projection_errors')} (global_position, stream_id, stream_position, event_id, type, code, message, recorded_at)
             SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])`,
            columns(batch.errors.map((e) => [e.globalPosition, e.streamId, e.streamPosition, e.eventId ?? null, e.type ?? null, e.code, e.message, e.recordedAt]), 8),
          );
        }
        await beforeCheckpoint?.();
        await client.query(`UPDATE ${this.t('projection_meta')} SET checkpoint = $1 WHERE id = 1`, [batch.checkpoint]);
      });
    } catch (err) {
      throw err instanceof CheckpointConflictError ? err : new StoreUnavailableError('postgres views', { cause: err });
    }
  }

  async reset(versions: Record<string, number>): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      await client.query(`SELECT 1 FROM ${this.t('projection_meta')} WHERE id = 1 FOR UPDATE`);
      await client.query(`TRUNCATE ${VIEW_TABLES.map((name) => this.t(name)).join(', ')}`);
      await client.query(`UPDATE ${this.t('projection_meta')} SET checkpoint = NULL, versions = $1 WHERE id = 1`, [JSON.stringify(versions)]);
    });
  }

  async status(runId: string): Promise<string | undefined> {
    return (await this.rows<{ status: string }>(`SELECT status FROM ${this.t('projection_run_views')} WHERE run_id = $1`, [runId]))[0]?.status;
  }

  async trace(runId: string): Promise<string | undefined> {
    return (await this.rows<{ trace: string }>(`SELECT trace FROM ${this.t('projection_run_views')} WHERE run_id = $1`, [runId]))[0]?.trace;
  }

  async forksOf(runId: string): Promise<Array<{ runId: string; position: number }>> {
    const rows = await this.rows<{ run_id: string; position: string }>(
      `SELECT run_id, fork_of_position AS position FROM ${this.t('projection_runs')} WHERE fork_of_run_id = $1 ORDER BY fork_of_position, run_id`,
      [runId],
    );
    return rows.map((r) => ({ runId: r.run_id, position: Number(r.position) }));
  }

  async queryRuns(q: NormalizedRunsQuery): Promise<RunRecord[]> {
    const { sql, params } = runsPageSql(this.t('projection_runs'), q, (n) => `$${n}`);
    return (await this.rows<Record<string, unknown>>(sql, params)).map(fromRunRow);
  }

  async explainRuns(q: NormalizedRunsQuery): Promise<string> {
    const { sql, params } = runsPageSql(this.t('projection_runs'), q, (n) => `$${n}`);
    return (await this.rows<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, params)).map((r) => r['QUERY PLAN']).join('\n');
  }

  async runTrees(rootRunIds: readonly string[]): Promise<RunRecord[]> {
    if (rootRunIds.length === 0) return [];
    return (await this.rows<Record<string, unknown>>(`SELECT * FROM ${this.t('projection_runs')} WHERE root_run_id = ANY($1::text[])`, [rootRunIds])).map(fromRunRow);
  }

  async usageRows(runId?: string): Promise<UsageRow[]> {
    const rows = runId === undefined
      ? await this.rows<Record<string, unknown>>(`SELECT * FROM ${this.t('projection_usage')}`)
      : await this.rows<Record<string, unknown>>(`SELECT * FROM ${this.t('projection_usage')} WHERE run_id = $1 OR root_run_id = $1`, [runId]);
    return rows.map(fromUsageRow);
  }

  async matchRunIds(prefix: string, limit: number): Promise<string[]> {
    const rows = await this.rows<{ run_id: string }>(
      `SELECT run_id FROM ${this.t('projection_runs')} WHERE run_id >= $1 AND run_id < $2 ORDER BY run_id LIMIT $3`,
      [prefix, prefixEnd(prefix), limit],
    );
    return rows.map((r) => r.run_id);
  }

  async errors(): Promise<ProjectionError[]> {
    return (await this.rows<Record<string, unknown>>(`SELECT * FROM ${this.t('projection_errors')} ORDER BY id`)).map(fromErrorRow);
  }

  async bulkInsertRuns(rows: readonly RunRecord[]): Promise<void> {
    for (let i = 0; i < rows.length; i += 5000) {
      await this.pool.query(this.upsertRuns, columns(rows.slice(i, i + 5000).map(runValues), RUN_COLUMNS.length));
    }
    await this.pool.query(`ANALYZE ${this.t('projection_runs')}`);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/**
 * Open the views of a postgres event store: tables `projection_*` in `schema` (created when missing).
 * @example
 * ```ts
 * const views = await openPostgresViewStore('postgres://postgres@127.0.0.1:5432/test', 'aigen');
 * ```
 */
export async function openPostgresViewStore(connectionString: string, schema: string, options: { poolSize?: number } = {}): Promise<PostgresViewStore> {
  const pool = new pg.Pool({ connectionString, max: options.poolSize ?? 4, connectionTimeoutMillis: 5000 });
  pool.on('error', () => undefined);
  try {
    await inTransaction(pool, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`aigen:projections:${schema}`]);
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${pg.escapeIdentifier(schema)}`);
      await client.query(viewTablesSql('postgres', `${pg.escapeIdentifier(schema)}.`));
      await client.query(`INSERT INTO ${pg.escapeIdentifier(schema)}.projection_meta (id) VALUES (1) ON CONFLICT DO NOTHING`);
    });
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw new StoreUnavailableError(`postgres views (schema ${schema})`, { cause: err });
  }
  return new PostgresViewStore(pool, schema);
}
