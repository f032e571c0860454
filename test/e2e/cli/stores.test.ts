import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aigen, oneLineError, sandbox, type Sandbox } from './helpers.js';

let sb: Sandbox;
beforeAll(() => {
  sb = sandbox();
});
afterAll(() => sb.cleanup());

describe('store URLs', { timeout: 120_000 }, () => {
  it.each(['runs', 'status abc', 'events abc', 'trace abc'])('%s never creates a missing sqlite store (exit 2 naming it)', async (command) => {
    const path = join(sb.dir, 'nowhere', 'aigen.db');
    const r = await aigen(['--store', `sqlite:${path}`, ...command.split(' ')], { sb });
    expect(r.code, r.stderr).toBe(2);
    expect(oneLineError(r)).toBe(`aigen: no sqlite store at ${path}: nothing was recorded there (check --store / AIGEN_STORE)`);
    expect(existsSync(join(sb.dir, 'nowhere'))).toBe(false);
  });

  it('a store given as a bare file name suggests the sqlite: URL (exit 2)', async () => {
    const r = await aigen(['--store', 'aigen.db', 'runs'], { sb });
    expect(r.code).toBe(2);
    expect(oneLineError(r)).toBe("aigen: unknown store URL 'aigen.db' — did you mean 'sqlite:aigen.db'? (a store URL is memory:, sqlite:<path>, postgres://… or kurrentdb://…)");
  });

  it('a sqlite store in a missing directory is refused, naming the directory, and creates none (exit 2); the default store creates .aigen/', async () => {
    const path = join(sb.dir, 'missing', 'dir', 'x.db');
    const r = await aigen(['--store', `sqlite:${path}`, 'run', 'writer', 'Tides'], { sb });
    expect(r.code).toBe(2);
    expect(oneLineError(r)).toBe(`aigen: no directory ${join(sb.dir, 'missing', 'dir')} for the sqlite store ${path}: create it first, or choose another path`);
    expect(existsSync(join(sb.dir, 'missing'))).toBe(false);
    const env = { ...sb.env };
    delete env.AIGEN_STORE;
    const byDefault = await aigen(['run', 'writer', 'Tides'], { sb: { ...sb, env } });
    expect(byDefault.code, byDefault.stderr).toBe(0);
    expect(existsSync(join(sb.dir, '.aigen', 'aigen.db'))).toBe(true);
  });

  it('an unknown PostgreSQL URL option is refused like a sqlite one (exit 2)', async () => {
    const r = await aigen(['--store', 'postgres://postgres@127.0.0.1:5432/test?shema=x', 'runs'], { sb });
    expect(r.code, r.stderr).toBe(2);
    expect(oneLineError(r)).toMatch(/^aigen: unknown postgres store URL option 'shema'; known: schema, /);
  });
});
