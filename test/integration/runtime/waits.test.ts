import { describe, expect, it } from 'vitest';
import { Catalog, openStore, Worker, WorkflowEngine, type Clock, type EventStore, type Waits } from '../../../src/index.js';
import { reconcileQueue } from '../../../src/runtime/reconcile.js';
import { createMemoryStore } from '../../../src/testing/index.js';
import { dataOf, runEvents, typesOf } from '../../support/runs.js';
import { testStoreUrls } from '../../support/stores.js';
import { WaitWorkflow } from '../../support/waitWorkflow.js';

const urls = testStoreUrls('waits');

const MIN = 60_000;

/** The real clock shifted by `offset` ms (a test moves it to make timers due). */
function shiftedClock(): Clock & { offset: number } {
  const clock = {
    offset: 0,
    now: () => Date.now() + clock.offset,
    setTimeout: (fn: (...args: unknown[]) => void, ms: number) => setTimeout(fn, ms),
    clearTimeout: (id: unknown) => clearTimeout(id as NodeJS.Timeout),
  };
  return clock;
}

/** An engine whose catalog builds `workflow` by name (a resume or a worker rebuilds it so). */
function setup(workflow: () => WaitWorkflow, store: EventStore = createMemoryStore()) {
  const clock = shiftedClock();
  const name = workflow().name;
  const catalog = new Catalog().registerWorkflow(name, workflow, { description: 'waits' });
  return { store, clock, engine: new WorkflowEngine({ store, catalog, clock, maxRetries: 0 }), workflow };
}

const sqliteStore = () => openStore(urls.sqlite());

async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const nap = (ms: number) => () => new WaitWorkflow('nap', async (w: Waits) => {
  await w.sleep({ timerId: '1.timer', stepId: '1', ms });
  return 'slept';
});

describe('durable timers', () => {
  it('a short sleep is waited for in memory and fires once', async () => {
    const { store, engine, workflow } = setup(nap(30));
    const r = await engine.execute(workflow(), undefined, 'go');
    expect(r).toMatchObject({ status: 'completed', result: 'slept' });
    const events = await runEvents(store, r.runId);
    expect(typesOf(events).filter((t) => t.startsWith('Timer'))).toEqual(['TimerStarted', 'TimerFired']);
  });

  it('a long sleep parks the run; once due, a resume fires it exactly once and completes; a second resume is refused; replay matches', async () => {
    const { store, engine, clock, workflow } = setup(nap(10 * MIN));
    const r = await engine.execute(workflow(), undefined, 'go');
    expect(r.status).toBe('waiting');
    const status = await engine.getWorkflowStatus(r.runId);
    expect(status).toMatchObject({ status: 'waiting', waitingFor: [{ kind: 'timer', id: '1.timer', name: 'sleep' }] });
    const dueAt = status.waitingFor[0]!.dueAt!;
    expect((await store.leases!.leases([r.runId]))[0]).toMatchObject({ parked: true, wakeAt: Date.parse(dueAt) });

    // Not due yet: a resume parks it again, firing nothing.
    expect((await engine.resume(r.runId)).status).toBe('waiting');
    clock.offset = 11 * MIN;
    expect(await engine.resume(r.runId)).toMatchObject({ status: 'completed', result: 'slept' });
    await expect(engine.resume(r.runId)).rejects.toMatchObject({ code: 'RUN_FINISHED' });
    const events = await runEvents(store, r.runId);
    expect(dataOf(events, 'TimerStarted')).toEqual([{ timerId: '1.timer', dueAt, stepId: '1', purpose: 'sleep' }]);
    expect(dataOf(events, 'TimerFired')).toEqual([{ timerId: '1.timer' }]);
    expect((await engine.replay(r.runId)).match).toBe(true);
  });

  it('a worker claims a parked run once its timer is due and completes it, firing the timer once', async () => {
    const { store, engine, clock, workflow } = setup(() => nap(10 * MIN + 800)(), await sqliteStore());
    // The run parks thinking ten minutes are left; the timer is due 0.8 s from now by the real clock.
    clock.offset = -10 * MIN;
    const r = await engine.execute(workflow(), undefined, 'go');
    expect(r.status).toBe('waiting');
    clock.offset = 0;
    const worker = new Worker(engine, { id: 'w', leaseMs: 5000, pollMs: 50 });
    await worker.start();
    try {
      expect(typesOf(await runEvents(store, r.runId))).not.toContain('RunClaimed');
      await eventually(async () => typesOf(await runEvents(store, r.runId)).includes('RunCompleted'), 'the worker to complete the run');
      const events = await runEvents(store, r.runId);
      expect(dataOf(events, 'TimerFired')).toHaveLength(1);
      expect(dataOf(events, 'RunClaimed')).toHaveLength(1);
      const fired = events.find((e) => e.type === 'TimerFired')!;
      expect(Date.parse(fired.metadata.recordedAt)).toBeGreaterThanOrEqual(Date.parse((dataOf<{ dueAt: string }>(events, 'TimerStarted')[0]!).dueAt));
    } finally {
      await worker.stop();
      await store.close();
    }
  });

  it('a waiting run left without a lease row is queued parked by reconciliation, never as runnable', async () => {
    const store = await sqliteStore();
    const { engine, workflow } = setup(nap(10 * MIN), store);
    const r = await engine.execute(workflow(), undefined, 'go');
    await store.leases!.finish(r.runId);
    await reconcileQueue(store, store.leases!);
    expect((await store.leases!.leases([r.runId]))[0]).toMatchObject({ parked: true, live: false });
    expect(await store.leases!.claim({ workerId: 'w', leaseMs: 1000, max: 5 })).toEqual([]);
    await store.close();
  });
  it('the parked row of a run cancelled while it waited is forgotten by reconciliation', async () => {
    const store = await sqliteStore();
    const { engine, workflow } = setup(nap(10 * MIN), store);
    const r = await engine.execute(workflow(), undefined, 'go');
    const events = await runEvents(store, r.runId);
    const { rootRunId, traceId } = events[0]!.metadata;
    const usage = { requests: 0, inputTokens: 0, outputTokens: 0, totalTokens: 0 };
    await store.append(`run-${r.runId}`, [{ type: 'RunCancelled', data: { reason: 'not needed', usage, durationMs: 1 }, metadata: { runId: r.runId, rootRunId, traceId } }], { expectedVersion: events.at(-1)!.streamPosition });
    expect((await store.leases!.leases([r.runId]))[0]).toMatchObject({ parked: true });
    await reconcileQueue(store, store.leases!);
    expect(await store.leases!.leases([r.runId])).toEqual([]);
    await store.close();
  });
});

describe('approvals and signals through the wait primitive', () => {
  const payment = () =>
    new WaitWorkflow('pay', (w) =>
      w.signal({ signalId: '1.signal', name: 'payment', stepId: '1', prompt: 'Pay the invoice', schema: { type: 'object', properties: { amount: { type: 'number' } }, required: ['amount'] } }).then((s) => s.payload),
    );

  it('a signal payload its schema refuses is a ValidationError naming the field, and nothing is recorded; a valid one continues the run', async () => {
    const { store, engine, workflow } = setup(payment);
    const r = await engine.execute(workflow(), undefined, 'go');
    expect(r.waitingFor).toEqual([expect.objectContaining({ kind: 'signal', name: 'payment', prompt: 'Pay the invoice' })]);
    const before = (await runEvents(store, r.runId)).length;
    await expect(engine.signal(r.runId, 'payment', { amount: 'ten' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED', path: 'amount' });
    expect(await runEvents(store, r.runId)).toHaveLength(before);
    const sent = await engine.signal(r.runId, 'payment', { amount: 10 }, { by: 'billing' });
    expect(await sent.done).toMatchObject({ status: 'completed', result: { amount: 10 } });
    expect(dataOf(await runEvents(store, r.runId), 'SignalReceived')).toEqual([{ signalId: '1.signal', name: 'payment', payload: { amount: 10 }, by: 'billing' }]);
    expect((await engine.replay(r.runId)).match).toBe(true);
  });

  it("a signal that does not arrive before its timeout fails the wait with SIGNAL_TIMED_OUT once it is due", async () => {
    const { store, engine, clock, workflow } = setup(() => new WaitWorkflow('late', (w) => w.signal({ signalId: '1.signal', name: 'go', stepId: '1', timeoutMs: MIN })));
    const r = await engine.execute(workflow(), undefined, 'go');
    expect(r.waitingFor).toEqual([expect.objectContaining({ kind: 'signal', dueAt: expect.any(String) })]);
    clock.offset = 2 * MIN;
    const done = await engine.resume(r.runId);
    expect(done).toMatchObject({ status: 'failed', error: { code: 'SIGNAL_TIMED_OUT' } });
    expect(typesOf(await runEvents(store, r.runId)).filter((t) => t.startsWith('Timer'))).toEqual(['TimerStarted', 'TimerFired']);
    expect((await engine.replay(r.runId)).match).toBe(true);
  });

  it('an approval with a timeout is decided by the timeout (onTimeout) once due, recorded as such', async () => {
    const { store, engine, clock, workflow } = setup(() =>
      new WaitWorkflow('review', (w) => w.approval({ approvalId: '1.approval', kind: 'step', name: 'review', stepId: '1', prompt: 'Publish?', content: 'draft', timeout: { ms: MIN, onTimeout: 'reject' } })),
    );
    const r = await engine.execute(workflow(), undefined, 'go');
    expect(r.status).toBe('waiting');
    clock.offset = 2 * MIN;
    const done = await engine.resume(r.runId);
    expect(done).toMatchObject({ status: 'completed', result: { decision: 'reject', by: 'timeout', timedOut: true } });
    const events = await runEvents(store, r.runId);
    expect(dataOf(events, 'ApprovalDecided')).toEqual([{ approvalId: '1.approval', decision: 'reject', by: 'timeout', timedOut: true }]);
    expect(typesOf(events).indexOf('TimerFired')).toBeLessThan(typesOf(events).indexOf('ApprovalDecided'));
    expect((await engine.replay(r.runId)).match).toBe(true);
  });

  it('two approvals asked at once are both recorded before the run parks; it goes on only after both are decided, and replay matches', async () => {
    const { store, engine, workflow } = setup(() =>
      new WaitWorkflow('both', (w) =>
        Promise.all(['a', 'b'].map((id) => w.approval({ approvalId: `1.${id}`, kind: 'step', name: id, stepId: '1', prompt: `ok ${id}?`, content: id }))).then((ds) => ds.map((d) => d.decision)),
      ),
    );
    const r = await engine.execute(workflow(), undefined, 'go');
    expect(r.waitingFor?.map((w) => w.id)).toEqual(['1.a', '1.b']);
    await expect(engine.approve(r.runId)).rejects.toMatchObject({ code: 'NOT_WAITING', message: expect.stringContaining('name the approval') });
    expect(await engine.approve(r.runId, { approvalId: '1.b' })).toMatchObject({ continued: 'no' });
    expect((await engine.getWorkflowStatus(r.runId)).status).toBe('waiting');
    const last = await engine.reject(r.runId, { approvalId: '1.a', reason: 'no' });
    expect(await last.done).toMatchObject({ status: 'completed', result: ['reject', 'approve'] });
    expect((await engine.replay(r.runId)).match).toBe(true);
    void store;
  });
});
