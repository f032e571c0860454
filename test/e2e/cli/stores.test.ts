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

  it('an unknown PostgreSQL URL option is refused like a sqlite one (exit 2)', async () => {
    const r = await aigen(['--store', 'postgres://postgres@127.0.0.1:5432/test?shema=x', 'runs'], { sb });
    expect(r.code, r.stderr).toBe(2);
    expect(oneLineError(r)).toMatch(/^aigen: unknown postgres store URL option 'shema'; known: schema, /);
  });
});
