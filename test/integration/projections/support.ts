import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createWorkflow, WorkflowEngine, type EventStore, type RecordedEvent } from '../../../src/index.js';

/** The built-in workflows, one per pattern. */
export const PATTERNS = ['content_generation', 'dynamic_content', 'content_router', 'multi_perspective', 'self_improving'] as const;

/** Run every built-in workflow once with the offline model; returns the top-level runIds by workflow. */
export async function runPatterns(store: EventStore, input = 'Write about tides'): Promise<Record<string, string>> {
  const engine = new WorkflowEngine({ store, retryDelayMs: 10 });
  const ids: Record<string, string> = {};
  for (const name of PATTERNS) {
    const result = await engine.execute(createWorkflow(name), undefined, `${input} (${name})`);
    if (result.status !== 'completed') throw new Error(`${name} ended ${result.status}`);
    ids[name] = result.runId;
  }
  return ids;
}

/** Every event of the store in global order. */
export async function allEvents(store: EventStore): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  for await (const e of store.readAll()) out.push(e);
  return out;
}

/** A temporary directory, removed by the returned function. */
export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `aigen-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** PostgreSQL of the tests: a fresh schema per store URL, dropped by {@link dropSchemas}. */
export const PG_BASE = process.env.AIGEN_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schemas: string[] = [];

export function pgUrl(label: string): { url: string; schema: string } {
  const schema = `aigen_pj_${label}_${randomBytes(5).toString('hex')}`;
  schemas.push(schema);
  return { url: `${PG_BASE}${PG_BASE.includes('?') ? '&' : '?'}schema=${schema}`, schema };
}

export async function dropSchemas(): Promise<void> {
  const client = new pg.Client({ connectionString: PG_BASE });
  await client.connect();
  try {
    for (const s of schemas.splice(0)) await client.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(s)} CASCADE`);
  } finally {
    await client.end();
  }
}

/** Run SQL against the test database. */
export async function pgQuery(sql: string, params: unknown[] = []): Promise<void> {
  const client = new pg.Client({ connectionString: PG_BASE });
  await client.connect();
  try {
    await client.query(sql, params);
  } finally {
    await client.end();
  }
}
