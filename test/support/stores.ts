import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll } from 'vitest';

/** The PostgreSQL the tests use (trust auth); each test gets its own schema. */
export const PG_URL = process.env.AIGEN_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Store URLs for a test file: a fresh SQLite file or PostgreSQL schema per call, all dropped
 * after the file's tests.
 */
export function testStoreUrls(prefix: string): { sqlite: () => string; postgres: () => string } {
  const admin = new pg.Pool({ connectionString: PG_URL, max: 1 });
  const schemas: string[] = [];
  const dirs: string[] = [];
  afterAll(async () => {
    for (const s of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(s)} CASCADE`);
    await admin.end();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  return {
    sqlite: () => {
      const dir = mkdtempSync(join(tmpdir(), `aigen-${prefix}-`));
      dirs.push(dir);
      return `sqlite:${join(dir, 'aigen.db')}`;
    },
    postgres: () => {
      const schema = `aigen_${prefix}_${randomBytes(5).toString('hex')}`;
      schemas.push(schema);
      return `${PG_URL}?schema=${schema}`;
    },
  };
}
