import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunJson } from '../../../src/cli/commands/run.js';
import type { RunStatus } from '../../../src/projections/status.js';
import { aigen, finished, json, runStartedWith, sandbox, start, waitForLine, type Sandbox } from './helpers.js';

// SIGTERM (what a supervisor, `kill` or `docker stop` sends) is handled like Ctrl-C.
let sb: Sandbox;
beforeAll(() => {
  sb = sandbox();
});
afterAll(() => sb.cleanup());

describe('SIGTERM', { timeout: 180_000 }, () => {
  it('during a run records it as cancelled and exits 143', async () => {
    const run = start(['run', 'content_generation', 'Terminate me', '--json'], { sb, env: { AIGEN_OFFLINE_LATENCY_MS: '5000' } });
    const runDone = finished(run);
    const runId = await runStartedWith(sb.store, 'Terminate me', 90_000);
    run.kill('SIGTERM');
    const ran = await runDone;
    expect(ran.code, ran.stderr).toBe(143);
    expect(json<RunJson>(ran)).toMatchObject({ runId, status: 'cancelled', error: { code: 'RUN_CANCELLED', message: 'interrupted (SIGTERM)' } });
    expect(json<RunStatus>(await aigen(['status', runId, '--json'], { sb })).status).toBe('cancelled');
  });

  it('ends events --follow and tail cleanly (exit 0)', async () => {
    const run = start(['run', 'content_generation', 'Followed then terminated'], { sb, env: { AIGEN_OFFLINE_LATENCY_MS: '3000' } });
    const runDone = finished(run);
    const runId = (await waitForLine(run.stderr, /run ([0-9a-f]{8}-[0-9a-f-]{27})/, 90_000))[1]!;
    const follower = start(['events', runId, '--follow'], { sb });
    const tail = start(['tail', '--from', 'start'], { sb });
    const followed = finished(follower);
    const tailed = finished(tail);
    await Promise.all([waitForLine(follower.stdout, /RunStarted/, 90_000), waitForLine(tail.stdout, /RunStarted/, 90_000)]);
    follower.kill('SIGTERM');
    tail.kill('SIGTERM');
    const [f, t] = await Promise.all([followed, tailed]);
    expect([f.code, f.signal], f.stderr).toEqual([0, null]);
    expect([t.code, t.signal], t.stderr).toEqual([0, null]);
    run.kill('SIGINT');
    await runDone;
  });

  it('shuts serve down cleanly (exit 0)', async () => {
    const serve = start(['serve', '--port', '0'], { sb });
    const served = finished(serve);
    const url = (await waitForLine(serve.stdout, /aigen serving (http:\S+)/, 90_000))[1]!;
    expect((await fetch(`${url}/api/runs`)).status).toBe(200);
    serve.kill('SIGTERM');
    const r = await served;
    expect([r.code, r.signal], r.stderr).toEqual([0, null]);
  });
});
