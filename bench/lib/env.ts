import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { RESULTS_DIR } from './results.js';

/** PostgreSQL server the benches use (a fresh schema per store, dropped at the end). */
export const PG_URL = process.env.AIGEN_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** `BENCH_QUICK=1` shrinks every bench to a smoke run (figures are then not meaningful). */
export const QUICK = process.env.BENCH_QUICK === '1';

const cleanups: Array<() => Promise<void> | void> = [];

/** Run `fn` at {@link cleanup}, last registered first. */
export function onCleanup(fn: () => Promise<void> | void): void {
  cleanups.push(fn);
}

/** Run every registered cleanup (errors are reported, not thrown). */
export async function cleanup(): Promise<void> {
  while (cleanups.length > 0) {
    try {
      await cleanups.pop()!();
    } catch (err) {
      console.error('cleanup failed:', err);
    }
  }
}

/** Where the benches put their database files: bench/results/.tmp (git-ignored, on the repo's disk). */
export const TMP_ROOT = join(RESULTS_DIR, '.tmp');

/** A fresh temporary directory under {@link TMP_ROOT}, removed at cleanup. */
export function tempDir(prefix: string): string {
  mkdirSync(TMP_ROOT, { recursive: true });
  const dir = mkdtempSync(join(TMP_ROOT, `${prefix}-`));
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** True when the PostgreSQL server answers within 2 s. */
export async function pgAvailable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A fresh schema name; the schema is dropped at cleanup. */
export function freshSchema(label: string): string {
  const schema = `aigen_bench_${label}_${randomBytes(4).toString('hex')}`;
  onCleanup(async () => {
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    try {
      await client.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
    } finally {
      await client.end();
    }
  });
  return schema;
}

/** A `postgres://…?schema=` store URL of {@link PG_URL}. */
export const pgStoreUrl = (schema: string): string => `${PG_URL}${PG_URL.includes('?') ? '&' : '?'}schema=${schema}`;

/** Server settings that decide what a commit costs. */
export async function pgSettings(): Promise<Record<string, string>> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    const r = await client.query<{ name: string; setting: string }>(
      `SELECT name, setting FROM pg_settings WHERE name IN ('server_version', 'fsync', 'synchronous_commit', 'wal_sync_method')`,
    );
    return Object.fromEntries(r.rows.map((row) => [row.name, row.setting]));
  } finally {
    await client.end();
  }
}
