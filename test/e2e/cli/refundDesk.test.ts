import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { aigen, finished, json, REPO } from './helpers.js';
import { claimers, eventsOf, eventually, isEnded, startWorker, workerLive, workerSandbox, type WorkerSandbox } from './workersSupport.js';

// The refund desk across processes: a detached run waits for its refund's approval with no process
// holding it; a decision from another process continues it.
let sb: WorkerSandbox;
afterEach(async () => {
  await sb?.close();
});

const REQUEST = 'Please refund order #A1001, $40: it arrived broken';
const types = (events: Awaited<ReturnType<typeof eventsOf>>) => events.map((e) => e.type);

/** Decide from a process of its own (the library's engine.approve / engine.reject). */
async function decide(runId: string, decision: 'approve' | 'reject', reason?: string): Promise<{ id: string; continued: string; status?: string; result?: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'test/e2e/cli/fixtures/decide.ts'), sb.url, runId, decision, ...(reason ? [reason] : [])], {
    cwd: REPO,
    env: sb.env,
    stdio: 'pipe',
  });
  child.stdin.end();
  const r = await finished(child);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as { id: string; continued: string; status?: string; result?: string };
}

/** `aigen run refund_desk … --detach` with a worker that parks it, then every aigen process gone. */
async function waitingRun(kind: 'sqlite' | 'postgres'): Promise<string> {
  sb = await workerSandbox(kind);
  const first = startWorker(sb, 'first', ['--lease-ms', '2000']);
  await workerLive(sb, 'first');
  const detached = await aigen(['run', 'refund_desk', REQUEST, '--detach', '--json'], { sb });
  expect(detached.code, detached.stderr).toBe(0);
  const { runId } = json<{ runId: string }>(detached);
  await eventually(async () => (await sb.shared.leases.leases([runId]))[0]?.parked === true, 'the run to park');
  first.kill('SIGTERM');
  expect((await finished(first)).code).toBe(0);
  const status = json<{ status: string; waitingFor: unknown[] }>(await aigen(['status', runId, '--json'], { sb }));
  expect(status).toMatchObject({ status: 'waiting', waitingFor: [{ kind: 'approval', name: 'issue_refund', content: { orderId: 'A1001', amount: 40 } }] });
  expect((await sb.shared.leases.leases([runId]))[0]).toMatchObject({ holder: undefined, live: false, parked: true });
  expect(await sb.shared.leases.workers()).toEqual([]);
  return runId;
}

describe.each(['sqlite', 'postgres'] as const)('refund_desk across processes on %s', (kind) => {
  it('approved from another process: a worker completes the run, the tool runs after the decision, and replay --verify matches', async () => {
    const runId = await waitingRun(kind);
    startWorker(sb, 'second', ['--lease-ms', '2000']);
    await workerLive(sb, 'second');
    const decided = await decide(runId, 'approve');
    expect(decided.continued).toBe('worker');
    await eventually(async () => isEnded(await eventsOf(sb.shared, runId)), 'the run to end');
    const events = await eventsOf(sb.shared, runId);
    const t = types(events);
    expect(t.at(-1)).toBe('RunCompleted');
    expect(claimers(events)).toEqual(['first', 'second']);
    expect(t.indexOf('ApprovalDecided')).toBeLessThan(t.lastIndexOf('RunClaimed'));
    expect(t.indexOf('ToolCalled')).toBeGreaterThan(t.lastIndexOf('RunClaimed'));
    expect(t.filter((x) => x === 'ToolReturned')).toHaveLength(1);
    const status = json<{ status: string; result: string }>(await aigen(['status', runId, '--json'], { sb }));
    expect(status.status).toBe('completed');
    expect(status.result).toMatch(/refund of \$40\.00 for order A1001 has been issued/);
    const replay = await aigen(['replay', runId, '--verify'], { sb });
    expect(replay.code, replay.stderr + replay.stdout).toBe(0);
  });

  it('rejected from another process with no worker: the deciding process continues it, the model answers with the reason, and replay --verify matches', async () => {
    const runId = await waitingRun(kind);
    const decided = await decide(runId, 'reject', 'outside the 30-day window');
    expect(decided).toMatchObject({ continued: 'here', status: 'completed' });
    expect(decided.result).toMatch(/not issued: it was rejected \(outside the 30-day window\)/);
    const events = await eventsOf(sb.shared, runId);
    expect(types(events)).not.toContain('ToolCalled');
    expect(events.find((e) => e.type === 'ApprovalDecided')?.data).toMatchObject({ decision: 'reject', by: 'bob', comment: 'outside the 30-day window' });
    expect(await sb.shared.leases.leases([runId])).toEqual([]);
    const replay = await aigen(['replay', runId, '--verify'], { sb });
    expect(replay.code, replay.stderr + replay.stdout).toBe(0);
  });
});
