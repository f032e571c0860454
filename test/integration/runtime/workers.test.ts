import { describe, expect, it } from 'vitest';
import { applyProjectConfig, ParallelWorkflow, Catalog, createAgent, DeterministicWorkflow, loadWorkflowFile, Worker, WorkflowEngine, type EventStore } from '../../../src/index.js';
import { createMemoryStore, delay, say, ScriptedModel } from '../../../src/testing/index.js';
import { dataOf, runEvents } from '../../support/runs.js';

const workflow = () => new DeterministicWorkflow({ agents: [createAgent('research'), createAgent('writer')], name: 'pair' });
/** Workers build a run's workflow by its name from the catalog. */
const catalog = new Catalog().registerWorkflow('pair', workflow, { description: 'two steps' });

async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const ended = (store: EventStore, runId: string) => async () => (await runEvents(store, runId)).some((e) => ['RunCompleted', 'RunFailed', 'RunCancelled'].includes(e.type));

describe('workers in one process', () => {
  it('submit records a queued run that two workers share: each run claimed once, every step once', async () => {
    const store = createMemoryStore();
    const engine = new WorkflowEngine({ store, catalog, modelResolver: () => new ScriptedModel(() => delay(5, say('ok'))) });
    const runIds: string[] = [];
    for (let i = 0; i < 6; i++) runIds.push(await engine.submit(workflow(), `topic ${i}`));
    expect((await engine.getWorkflowStatus(runIds[0]!)).status).toBe('queued');
    const workers = [new Worker(engine, { id: 'a', concurrency: 2, leaseMs: 5000 }), new Worker(engine, { id: 'b', concurrency: 2, leaseMs: 5000 })];
    await Promise.all(workers.map((w) => w.start()));
    for (const id of runIds) await eventually(ended(store, id), `run ${id} to end`);
    for (const id of runIds) {
      const events = await runEvents(store, id);
      expect(events.at(-1)!.type).toBe('RunCompleted');
      expect(dataOf(events, 'RunClaimed')).toHaveLength(1);
      expect(dataOf<{ stepId: string }>(events, 'StepCompleted').map((s) => s.stepId)).toEqual(['1-research', '2-writer']);
      expect((await engine.getWorkflowStatus(id)).worker).toMatch(/^[ab]$/);
    }
    await Promise.all(workers.map((w) => w.stop()));
    expect(await store.leases!.leases()).toEqual([]);
  });

  it('a draining worker releases an unfinished run (RunReleased) and another worker finishes it without redoing a step', async () => {
    const store = createMemoryStore();
    let calls = 0;
    const engine = new WorkflowEngine({ store, catalog, modelResolver: () => new ScriptedModel(() => delay(calls++ === 0 ? 10 : 400, say('ok'))) });
    const runId = await engine.submit(workflow(), 'slow');
    const first = new Worker(engine, { id: 'first', leaseMs: 5000, drainTimeoutMs: 50 });
    await first.start();
    await eventually(async () => dataOf(await runEvents(store, runId), 'StepCompleted').length === 1, 'the first step');
    await first.drain();
    const events = await runEvents(store, runId);
    expect(events.at(-1)).toMatchObject({ type: 'RunReleased', data: { workerId: 'first' } });
    expect((await engine.getWorkflowStatus(runId)).status).toBe('queued');
    const second = new Worker(engine, { id: 'second', leaseMs: 5000 });
    await second.start();
    await eventually(ended(store, runId), 'the run to end');
    const all = await runEvents(store, runId);
    expect(all.at(-1)!.type).toBe('RunCompleted');
    expect(dataOf<{ stepId: string }>(all, 'StepCompleted').map((s) => s.stepId)).toEqual(['1-research', '2-writer']);
    expect(dataOf<{ workerId: string }>(all, 'RunClaimed').map((c) => c.workerId)).toEqual(['first', 'second']);
    await second.stop();
  });

  it('a run executed by its own process holds a lease while it works and gives it up at its end', async () => {
    const store = createMemoryStore();
    const model = new ScriptedModel(() => delay(200, say('ok')));
    const engine = new WorkflowEngine({ store, catalog, modelResolver: () => model });
    const runId = await engine.start(workflow(), 'own');
    await eventually(async () => (await store.leases!.leases([runId])).length === 1, 'the lease');
    expect((await store.leases!.leases([runId]))[0]).toMatchObject({ live: true, holder: expect.stringMatching(/:\d+$/) });
    await engine.wait(runId);
    await eventually(async () => (await store.leases!.leases([runId])).length === 0, 'the lease to go');
  });

  it('refuses to submit a workflow that a worker could not build by its name', async () => {
    const engine = new WorkflowEngine({ store: createMemoryStore() });
    await expect(engine.submit(new DeterministicWorkflow({ agents: [createAgent('writer')], name: 'adhoc' }), 'x')).rejects.toThrow(/workflow 'adhoc' cannot be submitted/);
  });

  it("a workflow's concurrency (workflow file key, project entry) is the limit a submitted run records and the queue enforces", async () => {
    const store = createMemoryStore();
    const fromFile = loadWorkflowFile('examples/workflows/sequential.yaml');
    expect(fromFile.concurrency).toBe(4);
    const projectCatalog = new Catalog();
    const limited = () => new DeterministicWorkflow({ agents: [createAgent('writer')], name: 'limited' });
    applyProjectConfig(projectCatalog, { workflows: { limited: { factory: limited, concurrency: 1 } } }, 'aigen.config.ts');
    const engine = new WorkflowEngine({ store, catalog: projectCatalog });
    const first = await engine.submit(projectCatalog.createWorkflow('limited'), 'one');
    const second = await engine.submit(projectCatalog.createWorkflow('limited'), 'two');
    expect((await runEvents(store, first))[0]!.data).toMatchObject({ queued: true, concurrency: 1 });
    // The workflow allows one run at a time: only the first is handed out.
    expect((await store.leases!.claim({ workerId: 'w', leaseMs: 60_000, max: 5 })).map((c) => c.runId)).toEqual([first]);
    await store.leases!.finish(first, 'w');
    expect((await store.leases!.claim({ workerId: 'w', leaseMs: 60_000, max: 5 })).map((c) => c.runId)).toEqual([second]);
  });

  it('a released parallel run hands its branches over too: they write nothing more here and finish once on the next worker', async () => {
    const store = createMemoryStore();
    const fanOut = () =>
      new ParallelWorkflow({ name: 'fan', branches: { a: createAgent('research'), b: createAgent('writer') }, aggregator: createAgent('editor') });
    const fanCatalog = new Catalog().registerWorkflow('fan', fanOut, { description: 'two branches' });
    const engine = new WorkflowEngine({ store, catalog: fanCatalog, modelResolver: () => new ScriptedModel(() => delay(300, say('ok'))) });
    const runId = await engine.submit(fanOut(), 'fan out');
    const first = new Worker(engine, { id: 'first', leaseMs: 5000, drainTimeoutMs: 0 });
    await first.start();
    await eventually(async () => dataOf(await runEvents(store, runId), 'ChildRunStarted').length === 2, 'both branches to start');
    await first.drain();
    for (const branch of ['a', 'b']) {
      const types = (await runEvents(store, `${runId}.${branch}`)).map((e) => e.type);
      expect(types).not.toContain('RunCancelled');
      expect(types).not.toContain('RunCompleted');
    }
    expect(dataOf(await runEvents(store, runId), 'ChildRunFinished')).toEqual([]);
    const second = new Worker(engine, { id: 'second', leaseMs: 5000 });
    await second.start();
    await eventually(ended(store, runId), 'the run to end');
    expect((await runEvents(store, runId)).at(-1)!.type).toBe('RunCompleted');
    for (const branch of ['a', 'b']) {
      const events = await runEvents(store, `${runId}.${branch}`);
      expect(events.at(-1)!.type).toBe('RunCompleted');
      expect(dataOf(events, 'StepCompleted')).toHaveLength(1);
    }
    expect(dataOf<{ status: string }>(await runEvents(store, runId), 'ChildRunFinished').map((c) => c.status)).toEqual(['completed', 'completed']);
    await second.stop();
  });
});
