import { escapeIdentifier, type Pool } from 'pg';
import { STALE_PARTIAL_MS, type PartialTextChannel, type StoredPartial } from '../partials.js';
import type { SchemaNames } from './schema.js';
import { inTransaction } from './transaction.js';

interface Row {
  run_id: string;
  call_id: string;
  channel: string;
  step_id: string;
  agent_id: string;
  tool_name: string | null;
  text: string;
  writer: string;
  updated_at: string;
}

/**
 * In-flight partial text in an UNLOGGED table of the store's schema (no WAL: it need not survive
 * a crash), created on first use. Rows are replaced as the text grows and deleted when the call
 * ends; readers poll it.
 */
export class PostgresPartials implements PartialTextChannel {
  readonly pollIntervalMs = 100;
  private readonly table: string;
  private ready: Promise<void> | undefined;

  constructor(
    private readonly pool: Pool,
    private readonly names: SchemaNames,
  ) {
    this.table = `${escapeIdentifier(names.schema)}.partial_outputs`;
  }

  private prepare(): Promise<void> {
    this.ready ??= inTransaction(this.pool, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`aigen:migrate:${this.names.schema}`]);
      await client.query(`CREATE UNLOGGED TABLE IF NOT EXISTS ${this.table} (
        run_id text NOT NULL, call_id text NOT NULL, channel text NOT NULL, step_id text NOT NULL, agent_id text NOT NULL,
        tool_name text, text text NOT NULL, writer text NOT NULL, updated_at bigint NOT NULL,
        PRIMARY KEY (run_id, call_id, channel))`);
    }).catch((err: unknown) => {
      this.ready = undefined;
      throw err;
    });
    return this.ready;
  }

  async put(partials: readonly StoredPartial[]): Promise<void> {
    if (partials.length === 0) return;
    await this.prepare();
    const values: unknown[] = [];
    const rows = partials.map((p, i) => {
      values.push(p.runId, p.callId, p.channel, p.stepId, p.agentId, p.toolName ?? null, p.text, p.writer, p.updatedAt);
      return `(${Array.from({ length: 9 }, (_, k) => `$${i * 9 + k + 1}`).join(', ')})`;
    });
    await this.pool.query(
      `INSERT INTO ${this.table} (run_id, call_id, channel, step_id, agent_id, tool_name, text, writer, updated_at) VALUES ${rows.join(', ')}
       ON CONFLICT (run_id, call_id, channel) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at, writer = excluded.writer, step_id = excluded.step_id, agent_id = excluded.agent_id, tool_name = excluded.tool_name`,
      values,
    );
  }

  async remove(calls: readonly { runId: string; callId: string }[]): Promise<void> {
    await this.prepare();
    await this.pool.query(
      `DELETE FROM ${this.table} WHERE (run_id, call_id) IN (SELECT * FROM unnest($1::text[], $2::text[])) OR updated_at < $3`,
      [calls.map((c) => c.runId), calls.map((c) => c.callId), Date.now() - STALE_PARTIAL_MS],
    );
  }

  async list(maxAgeMs: number): Promise<StoredPartial[]> {
    await this.prepare();
    const { rows } = await this.pool.query<Row>(`SELECT * FROM ${this.table} WHERE updated_at >= $1`, [Date.now() - maxAgeMs]);
    return rows.map((r) => ({
      runId: r.run_id, callId: r.call_id, channel: r.channel, stepId: r.step_id, agentId: r.agent_id,
      ...(r.tool_name !== null ? { toolName: r.tool_name } : {}), text: r.text, writer: r.writer, updatedAt: Number(r.updated_at),
    }));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
