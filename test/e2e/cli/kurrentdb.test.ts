import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aigen, json, sandbox, type Sandbox } from './helpers.js';

/**
 * The README's main job with AIGEN_STORE=kurrentdb://…: the CLI binary runs in its own process
 * against the KurrentDB test double, which runs in another process.
 */
const DOUBLE = resolve(import.meta.dirname, '../../support/kurrentdb/main.ts');

let double: ChildProcess | undefined;
let url = '';
let sb: Sandbox;

beforeAll(async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', DOUBLE], { stdio: ['ignore', 'pipe', 'inherit'] });
  double = child;
  url = await new Promise<string>((resolveUrl, reject) => {
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) resolveUrl((JSON.parse(line) as { url: string }).url);
    });
    child.on('exit', (code) => reject(new Error(`the KurrentDB double exited early (code ${code})`)));
  });
  sb = sandbox();
  sb.env.AIGEN_STORE = `${url}&namespace=e2e.`;
  delete sb.env.AIGEN_VIEW_STORE;
});
afterAll(() => {
  double?.kill('SIGTERM');
  sb.cleanup();
});

interface RunJson {
  runId: string;
  status: string;
  workflow: string;
  result: unknown;
}

describe('aigen on a KurrentDB store', () => {
  let runId = '';

  it('runs the main job, then status and runs read it back', { timeout: 180_000 }, async () => {
    const r = await aigen(['run', 'content_generation', 'Generate content about AI', '--json'], { sb });
    expect(r.code, r.stderr).toBe(0);
    const out = json<RunJson>(r);
    expect(out).toMatchObject({ workflow: 'content_generation', status: 'completed' });
    expect(String(out.result).length).toBeGreaterThan(100);
    runId = out.runId;

    const status = await aigen(['status', runId.slice(0, 8), '--json'], { sb });
    expect(status.code, status.stderr).toBe(0);
    expect(json<{ runId: string; status: string; workflow: string; input: string }>(status)).toMatchObject({
      runId,
      status: 'completed',
      workflow: 'content_generation',
      input: 'Generate content about AI',
    });

    const runs = await aigen(['runs', '--json'], { sb });
    expect(runs.code, runs.stderr).toBe(0);
    const rows = json<Array<{ runId: string; status: string }>>(runs);
    expect(rows).toEqual([expect.objectContaining({ runId, status: 'completed' })]);
    // With neither ?views= nor AIGEN_VIEW_STORE, the views live in the working directory's sqlite file.
    expect(existsSync(join(sb.dir, '.aigen', 'views.db'))).toBe(true);
  });

  it('keeps the views where ?views= or AIGEN_VIEW_STORE says', { timeout: 120_000 }, async () => {
    expect(runId).not.toBe('');
    const byParam = join(sb.dir, 'param-views.db');
    const r1 = await aigen(['runs', '--json'], { sb, env: { AIGEN_STORE: `${url}&namespace=e2e.&views=${encodeURIComponent(`sqlite:${byParam}`)}` } });
    expect(r1.code, r1.stderr).toBe(0);
    expect(json<Array<{ runId: string }>>(r1).map((row) => row.runId)).toEqual([runId]);
    expect(existsSync(byParam)).toBe(true);

    const byEnv = join(sb.dir, 'env-views.db');
    const r2 = await aigen(['runs', '--json'], { sb, env: { AIGEN_VIEW_STORE: `sqlite:${byEnv}` } });
    expect(r2.code, r2.stderr).toBe(0);
    expect(json<Array<{ runId: string }>>(r2).map((row) => row.runId)).toEqual([runId]);
    expect(existsSync(byEnv)).toBe(true);
  });

  it('sees only its own namespace: another namespace on the same server is empty', { timeout: 60_000 }, async () => {
    const r = await aigen(['runs', '--json'], { sb, env: { AIGEN_STORE: `${url}&namespace=other.`, AIGEN_VIEW_STORE: 'memory:' } });
    expect(r.code, r.stderr).toBe(0);
    expect(json<unknown[]>(r)).toEqual([]);
  });

  it('an unreachable KurrentDB server is a clear error', { timeout: 60_000 }, async () => {
    const r = await aigen(['runs', '--json'], { sb, env: { AIGEN_STORE: 'kurrentdb://127.0.0.1:9?tls=false' } });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/cannot reach event store kurrentdb:\/\/127\.0\.0\.1:9/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
