import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunJson } from '../../../src/cli/commands/run.js';
import type { RunStatus } from '../../../src/projections/status.js';
import { openStore } from '../../../src/store/openStore.js';
import { aigen, collectJsonLines, finished, json, jsonLines, runStartedWith, sandbox, start, waitForLine, type Sandbox } from './helpers.js';

// Live commands across processes: a run started by one child process is followed, tailed,
// cancelled and interrupted by others. AIGEN_OFFLINE_LATENCY_MS makes each model call slow.
const RUN_ID = /run ([0-9a-f]{8}-[0-9a-f-]{27})/;
let sb: Sandbox;
beforeAll(async () => {
  sb = sandbox();
  // The store exists before the tests run side by side: `tail` may start before any run created it.
  await (await openStore(sb.store)).close();
});
afterAll(() => sb.cleanup());

describe.concurrent('live', () => {
  it('events --follow shows a run’s events while it runs, and ends with the run', async () => {
    const run = start(['run', 'content_generation', 'Follow me'], { sb, env: { AIGEN_OFFLINE_LATENCY_MS: '1500' } });
    const runDone = finished(run);
    const runId = (await waitForLine(run.stderr, RUN_ID))[1]!;
    const follower = start(['events', runId.slice(0, 8), '--follow', '--json'], { sb });
    const seen = collectJsonLines(follower);
    const followDone = finished(follower);
    const ran = await runDone;
    const runEndedAt = Date.now();
    const followed = await followDone;
    expect(ran.code, ran.stderr).toBe(0);
    expect(followed.code, followed.stderr).toBe(0);
    const types = seen.map((l) => l.value.type);
    expect(types[0]).toBe('RunStarted');
    expect(types.at(-1)).toBe('RunCompleted');
    expect(seen.map((l) => l.value.streamPosition)).toEqual(seen.map((_, i) => i));
    // The follower printed events while the run was still going (an ordering check, not a timing one).
    expect(seen[0]!.at).toBeLessThan(runEndedAt);
  });

  it('tail follows new events of all runs until SIGINT (exit 0)', async () => {
    const tail = start(['tail', '--from', 'start', '--json'], { sb });
    const seen = collectJsonLines(tail);
    const tailDone = finished(tail);
    const ran = await aigen(['run', 'research,writer', 'Tail me', '--json'], { sb });
    const { runId } = json<RunJson>(ran);
    const deadline = Date.now() + 20_000;
    while (!seen.some((l) => l.value.type === 'RunCompleted' && l.value.metadata.runId === runId) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    tail.kill('SIGINT');
    const r = await tailDone;
    expect(r.code, r.stderr).toBe(0);
    const mine = seen.filter((l) => l.value.metadata.runId === runId).map((l) => l.value);
    expect(mine[0]).toMatchObject({ type: 'RunStarted', streamPosition: 0, globalPosition: expect.any(String) });
    expect(mine.at(-1)?.type).toBe('RunCompleted');
  });

  it('cancel from another process fences a running run: it ends cancelled (exit 1)', async () => {
    const run = start(['run', 'content_generation', 'Cancel me'], { sb, env: { AIGEN_OFFLINE_LATENCY_MS: '1500' } });
    const runDone = finished(run);
    const runId = (await waitForLine(run.stderr, RUN_ID))[1]!;
    const cancelled = await aigen(['cancel', runId.slice(0, 8), '--json'], { sb });
    expect(cancelled.code, cancelled.stderr).toBe(0);
    expect(json<{ runId: string; cancelled: boolean }>(cancelled)).toMatchObject({ runId, cancelled: true, status: 'cancelled' });
    const ran = await runDone;
    expect(ran.code).toBe(1);
    expect(ran.stderr).toMatch(/cancelled/);
    const st = json<RunStatus>(await aigen(['status', runId, '--json'], { sb }));
    expect(st.status).toBe('cancelled');
    const again = await aigen(['cancel', runId], { sb });
    expect(again.code).toBe(0);
  });

  it('cancel from another process: the running engine stops and reports cancelled, not a version conflict', async () => {
    const run = start(['run', 'content_generation', 'Cancel me remotely', '--json'], { sb, env: { AIGEN_OFFLINE_LATENCY_MS: '1500' } });
    const runDone = finished(run);
    const runId = await runStartedWith(sb.store, 'Cancel me remotely');
    const cancelled = await aigen(['cancel', runId, '--reason', 'not needed any more'], { sb });
    expect(cancelled.code, cancelled.stderr).toBe(0);
    const ran = await runDone;
    expect(ran.code).toBe(1);
    expect(json<RunJson>(ran)).toMatchObject({ runId, status: 'cancelled', error: { code: 'RUN_CANCELLED', message: 'not needed any more' } });
    const events = jsonLines((await aigen(['events', runId, '--json'], { sb })).stdout);
    const ends = events.filter((e) => ['RunCompleted', 'RunFailed', 'RunCancelled'].includes(e.type));
    expect(ends.map((e) => e.type)).toEqual(['RunCancelled']);
    expect(events.at(-1)).toMatchObject({ type: 'RunCancelled', metadata: { tags: { requestedBy: 'aigen cancel' } } });
  });

  it('SIGINT during a run records it as cancelled and exits 130', async () => {
    const run = start(['run', 'content_generation', 'Interrupt me', '--json'], { sb, env: { AIGEN_OFFLINE_LATENCY_MS: '1500' } });
    const runDone = finished(run);
    // --json prints nothing until the end: find the run in the store.
    const runId = await runStartedWith(sb.store, 'Interrupt me');
    run.kill('SIGINT');
    const ran = await runDone;
    expect(ran.code).toBe(130);
    expect(json<RunJson>(ran)).toMatchObject({ runId, status: 'cancelled', error: { code: 'RUN_CANCELLED' } });
    expect(json<RunStatus>(await aigen(['status', runId, '--json'], { sb })).status).toBe('cancelled');
  });
});
