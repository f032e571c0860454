import { afterEach, describe, expect, it } from 'vitest';
import { createWorkflow, WorkflowEngine } from '../../../src/index.js';
import { aigen, finished, json, oneLineError, runStartedWith, sandbox, start, waitForLine } from './helpers.js';
import { claimers, completedSteps, eventsOf, eventually, finisher, isEnded, startWorker, workerLive, workerSandbox, type WorkerSandbox } from './workersSupport.js';

const STEPS = ['1-research', '2-writer', '3-editor'];

describe.each(['sqlite', 'postgres'] as const)('workers on %s', (kind) => {
  let sb: WorkerSandbox;
  afterEach(async () => {
    await sb?.close();
  });

  const submit = async (n: number, options: { concurrency?: number } = {}) => {
    const engine = new WorkflowEngine({ store: sb.shared });
    const ids: string[] = [];
    for (let i = 0; i < n; i++) ids.push(await engine.submit(createWorkflow('content_generation'), `topic ${i}`, options));
    return ids;
  };
  const allEnded = async (ids: readonly string[]) => {
    for (const id of ids) if (!isEnded(await eventsOf(sb.shared, id))) return false;
    return true;
  };

  it('three workers share 60 submitted runs; one SIGKILLed mid-way: every run completes, each step once, its runs continue on the others', async () => {
    sb = await workerSandbox(kind);
    const env = { AIGEN_OFFLINE_LATENCY_MS: '150' };
    const workers = ['w0', 'w1', 'w2'].map((id) => startWorker(sb, id, ['--lease-ms', '1500', '--concurrency', '8'], env));
    for (const id of ['w0', 'w1', 'w2']) await workerLive(sb, id);
    const ids = await submit(60);
    // Mid-way: the doomed worker has claimed a run that has at least two steps to go.
    const midRun = async () => {
      for (const id of ids) {
        const events = await eventsOf(sb.shared, id);
        if (claimers(events).at(-1) === 'w0' && !isEnded(events) && completedSteps(events).length <= 1) return true;
      }
      return false;
    };
    await eventually(midRun, 'w0 to be in the middle of a run');
    workers[0]!.kill('SIGKILL');
    const endedAtKill = new Set<string>();
    for (const id of ids) if (isEnded(await eventsOf(sb.shared, id))) endedAtKill.add(id);
    await eventually(() => allEnded(ids), 'every run to end', 110_000);

    let movedOn = 0;
    for (const id of ids) {
      const events = await eventsOf(sb.shared, id);
      expect(events.at(-1)!.type).toBe('RunCompleted');
      expect(completedSteps(events)).toEqual(STEPS);
      const by = claimers(events);
      expect(by.length).toBeGreaterThan(0);
      if (!endedAtKill.has(id)) expect(finisher(events)).not.toBe('w0');
      if (by.includes('w0') && finisher(events) !== 'w0') movedOn += 1;
    }
    // The dead worker's unfinished runs continued on the others.
    expect(movedOn).toBeGreaterThan(0);
  });

  it('a worker SIGSTOPped past its lease is fenced after SIGCONT: it abandons the run, which completes once on another worker', async () => {
    sb = await workerSandbox(kind);
    const env = { AIGEN_OFFLINE_LATENCY_MS: '2500' };
    const a = startWorker(sb, 'A', ['--lease-ms', '1500'], env);
    await workerLive(sb, 'A');
    const [runId] = await submit(1);
    await eventually(async () => (await eventsOf(sb.shared, runId!)).some((e) => e.type === 'ModelCalled'), 'A to call the model');
    a.kill('SIGSTOP');
    startWorker(sb, 'B', ['--lease-ms', '1500'], env);
    await eventually(async () => claimers(await eventsOf(sb.shared, runId!)).includes('B'), 'B to claim the run');
    a.kill('SIGCONT');
    await eventually(async () => isEnded(await eventsOf(sb.shared, runId!)), 'the run to end');
    await eventually(() => Promise.resolve(/abandon/.test(a.log())), 'A to abandon the run').catch((err: unknown) => {
      throw new Error(`${String(err)}\nA's log:\n${a.log()}`);
    });
    const events = await eventsOf(sb.shared, runId!);
    expect(events.filter((e) => ['RunCompleted', 'RunFailed', 'RunCancelled'].includes(e.type)).map((e) => e.type)).toEqual(['RunCompleted']);
    expect(completedSteps(events)).toEqual(STEPS);
    expect(claimers(events)).toEqual(['A', 'B']);
    expect(finisher(events)).toBe('B');
  });

  it('SIGTERM drains: the worker exits 0 and its run continues on another worker at once, long before the lease would expire', async () => {
    sb = await workerSandbox(kind);
    // A's model calls take 30 s, so A is in the middle of the run whenever the SIGTERM comes (its
    // drain releases the run after 200 ms, not after the call); B answers at once.
    const env = { AIGEN_OFFLINE_LATENCY_MS: '30000' };
    // A 10-minute lease: the run can only move on this soon because it was released.
    const a = startWorker(sb, 'A', ['--lease-ms', '600000', '--drain-timeout-ms', '200'], env);
    await workerLive(sb, 'A');
    const [runId] = await submit(1);
    await eventually(async () => claimers(await eventsOf(sb.shared, runId!)).includes('A'), 'A to claim the run');
    // A live worker's run is busy for aigen resume too.
    const busy = await aigen(['resume', runId!], { sb });
    expect(busy.code).toBe(2);
    expect(oneLineError(busy)).toMatch(/still running it/);
    startWorker(sb, 'B', ['--lease-ms', '600000'], { AIGEN_OFFLINE_LATENCY_MS: '10' });
    await workerLive(sb, 'B');
    a.kill('SIGTERM');
    const exit = await finished(a);
    expect(exit.code).toBe(0);
    await eventually(async () => claimers(await eventsOf(sb.shared, runId!)).includes('B'), 'B to continue the run', 60_000);
    await eventually(async () => isEnded(await eventsOf(sb.shared, runId!)), 'the run to end');
    const events = await eventsOf(sb.shared, runId!);
    expect(events.find((e) => e.type === 'RunReleased')).toMatchObject({ data: { workerId: 'A' } });
    expect(events.at(-1)!.type).toBe('RunCompleted');
    expect(completedSteps(events)).toEqual(STEPS);
  });

  it('limits: concurrency 2 per worker and 3 for the workflow across three workers are never exceeded in the recorded claims and ends', async () => {
    sb = await workerSandbox(kind);
    const env = { AIGEN_OFFLINE_LATENCY_MS: '100' };
    for (const id of ['x', 'y', 'z']) startWorker(sb, id, ['--concurrency', '2', '--lease-ms', '5000'], env);
    for (const id of ['x', 'y', 'z']) await workerLive(sb, id);
    const ids = await submit(12, { concurrency: 3 });
    await eventually(() => allEnded(ids), 'every run to end', 110_000);
    const holder = new Map<string, string>();
    const perWorker = new Map<string, number>();
    let total = 0;
    let maxTotal = 0;
    let maxWorker = 0;
    for await (const e of sb.shared.readAll({ filter: { streamPrefix: 'run-', types: ['RunClaimed', 'RunCompleted', 'RunFailed', 'RunCancelled'] } })) {
      const runId = e.streamId.slice(4);
      if (e.type === 'RunClaimed') {
        const w = (e.data as { workerId: string }).workerId;
        holder.set(runId, w);
        perWorker.set(w, (perWorker.get(w) ?? 0) + 1);
        total += 1;
      } else {
        const w = holder.get(runId)!;
        perWorker.set(w, perWorker.get(w)! - 1);
        total -= 1;
      }
      maxTotal = Math.max(maxTotal, total);
      maxWorker = Math.max(maxWorker, ...perWorker.values());
    }
    expect(holder.size).toBe(12);
    expect(maxWorker).toBeLessThanOrEqual(2);
    expect(maxTotal).toBeLessThanOrEqual(3);
    // The limit was reached, not just respected by a trickle.
    expect(maxTotal).toBe(3);
  });

  it('a SIGKILLed aigen run shows stalled once its lease expired, and a worker started later resumes it without redoing a step', async () => {
    sb = await workerSandbox(kind);
    const env = { AIGEN_OFFLINE_LATENCY_MS: '1200', AIGEN_LEASE_MS: '1500' };
    const run = start(['run', 'content_generation', 'Stall me'], { sb, env });
    sb.children.push(run);
    const runId = await runStartedWith(sb.url, 'Stall me', 60_000);
    await eventually(async () => completedSteps(await eventsOf(sb.shared, runId)).length >= 1, 'the first step');
    run.kill('SIGKILL');
    const stalled = await eventually(async () => {
      const st = json<{ status: string; worker?: string }>(await aigen(['status', runId, '--json'], { sb }));
      return st.status === 'stalled' ? st : undefined;
    }, 'the run to show stalled');
    expect(stalled.worker).toMatch(/:\d+$/);
    startWorker(sb, 'rescuer', ['--lease-ms', '1500'], { AIGEN_OFFLINE_LATENCY_MS: '10' });
    await eventually(async () => isEnded(await eventsOf(sb.shared, runId)), 'the run to end');
    const events = await eventsOf(sb.shared, runId);
    expect(events.at(-1)!.type).toBe('RunCompleted');
    expect(completedSteps(events)).toEqual(STEPS);
    expect(claimers(events)).toEqual(['rescuer']);
    const done = json<{ status: string; worker?: string }>(await aigen(['status', runId, '--json'], { sb }));
    expect(done).toMatchObject({ status: 'completed', worker: 'rescuer' });
  });

  it('aigen workers lists live workers and drops a SIGKILLed one once its heartbeat expires', async () => {
    sb = await workerSandbox(kind);
    const k = startWorker(sb, 'doomed', ['--lease-ms', '1500', '--concurrency', '3']);
    startWorker(sb, 'steady', ['--lease-ms', '1500']);
    await workerLive(sb, 'doomed');
    await workerLive(sb, 'steady');
    const listed = json<Array<{ id: string; pid: number; concurrency: number; held: number; draining: boolean; heartbeatAt: string }>>(await aigen(['workers', '--json'], { sb }));
    expect(listed.map((w) => w.id).sort()).toEqual(['doomed', 'steady']);
    expect(listed.find((w) => w.id === 'doomed')).toMatchObject({ pid: k.pid, concurrency: 3, held: 0, draining: false });
    k.kill('SIGKILL');
    await eventually(async () => {
      const ids = json<Array<{ id: string }>>(await aigen(['workers', '--json'], { sb })).map((w) => w.id);
      return ids.length === 1 && ids[0] === 'steady';
    }, 'the killed worker to drop out');
  });

  it('aigen run --detach returns the queued run before any step runs; a worker then executes it', async () => {
    sb = await workerSandbox(kind);
    const r = await aigen(['run', 'content_generation', 'Later', '--detach', '--json'], { sb });
    expect(r.code).toBe(0);
    const { runId, status } = json<{ runId: string; status: string }>(r);
    expect(status).toBe('queued');
    expect((await eventsOf(sb.shared, runId)).map((e) => e.type)).toEqual(['RunStarted']);
    expect(json<{ status: string }>(await aigen(['status', runId, '--json'], { sb })).status).toBe('queued');
    startWorker(sb, 'later', ['--lease-ms', '1500']);
    await eventually(async () => isEnded(await eventsOf(sb.shared, runId)), 'the run to end');
    expect(completedSteps(await eventsOf(sb.shared, runId))).toEqual(STEPS);
  });

  it('aigen serve is a worker of its store: POST /api/runs with detach queues a run that it then executes; the API shows its worker', async () => {
    sb = await workerSandbox(kind);
    const serve = start(['serve', '--port', '0'], { sb, env: { AIGEN_LEASE_MS: '1500' } });
    sb.children.push(serve);
    const url = (await waitForLine(serve.stdout, /aigen serving (http:\S+)/, 90_000))[1]!;
    const res = await fetch(`${url}/api/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ workflow: 'content_generation', input: 'Via HTTP', detach: true }) });
    expect(res.status).toBe(202);
    const { runId, status } = (await res.json()) as { runId: string; status: string };
    expect(status).toBe('queued');
    await eventually(async () => isEnded(await eventsOf(sb.shared, runId)), 'the run to end');
    const st = (await (await fetch(`${url}/api/runs/${runId}`)).json()) as { status: string; worker: string };
    expect(st.status).toBe('completed');
    expect(st.worker).toMatch(/:\d+$/);
    expect(claimers(await eventsOf(sb.shared, runId))).toEqual([st.worker]);
  });
});

describe('workers need a shared store', () => {
  it('aigen worker --store memory: is a one-line error, exit 2', async () => {
    const sb = sandbox();
    try {
      const r = await aigen(['--store', 'memory:', 'worker'], { sb });
      expect(r.code).toBe(2);
      expect(oneLineError(r)).toMatch(/memory: lives in this process only/);
    } finally {
      sb.cleanup();
    }
  });
});
