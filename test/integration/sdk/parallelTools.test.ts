import { tool, type ModelRequest } from '@openai/agents';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent, DeterministicWorkflow, openStore, Worker, WorkflowEngine, type EventStore } from '../../../src/index.js';
import { callTool, combine, createMemoryStore, say, ScriptedModel, type Turn } from '../../../src/testing/index.js';
import { dataOf, runEvents, typesOf } from '../../support/runs.js';
import { testStoreUrls } from '../../support/stores.js';

// A turn with several function calls (the OpenAI default): the SDK runs them at once, so they
// finish in any order live, while re-execution answers recorded ones at once.

const urls = testStoreUrls('par');
const stores: Record<string, () => Promise<EventStore>> = {
  sqlite: () => openStore(urls.sqlite()),
  postgres: () => openStore(urls.postgres()),
};

/** A weather tool whose calls finish in reverse order of the cities (A last), counting executions. */
function weatherTool(options: { needsApproval?: (city: string) => boolean; hang?: (city: string) => boolean } = {}) {
  const executed: string[] = [];
  const delays: Record<string, number> = { A: 40, B: 15, C: 1 };
  const t = tool({
    name: 'get_weather',
    description: 'The weather in a city',
    parameters: z.object({ city: z.string() }),
    ...(options.needsApproval ? { needsApproval: (_ctx: unknown, { city }: { city: string }) => Promise.resolve(options.needsApproval!(city)) } : {}),
    execute: async ({ city }) => {
      executed.push(city);
      if (options.hang?.(city)) await new Promise<never>(() => undefined);
      await new Promise((r) => setTimeout(r, delays[city] ?? 1));
      return `${city}: sunny`;
    },
  });
  return { tool: t, executed };
}

/** One turn with three parallel calls, then the answer once the results are in. */
function weatherModel(): ScriptedModel {
  return new ScriptedModel((request: ModelRequest): Turn => {
    const results = (request.input as Array<{ type?: string; output?: { text?: string } | string }>).filter((i) => i.type === 'function_call_result');
    if (results.length > 0) return say(`Weather: ${results.map((r) => (typeof r.output === 'string' ? r.output : r.output?.text)).join(', ')}`);
    return combine(
      callTool('get_weather', { city: 'A' }, { callId: 'call_a' }),
      callTool('get_weather', { city: 'B' }, { callId: 'call_b' }),
      callTool('get_weather', { city: 'C' }, { callId: 'call_c' }),
    );
  });
}

/** Wait until the run's log satisfies `ready` and then stops growing (its process is stuck). */
async function untilQuiet(store: EventStore, runId: string, ready: (events: Awaited<ReturnType<typeof runEvents>>) => boolean): Promise<void> {
  let seen = -1;
  for (;;) {
    const events = await runEvents(store, runId);
    if (ready(events) && events.length === seen) return;
    seen = ready(events) ? events.length : -1;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A run whose process is stuck mid-turn: A and C returned, B never does (the process "died"). */
async function stuckMidTurn() {
  const store = createMemoryStore();
  const first = weatherTool({ hang: (city) => city === 'B' });
  const doomed = new WorkflowEngine({ store, modelResolver: () => weatherModel() });
  const runId = await doomed.start(weatherWorkflow(first.tool), 'weather');
  await untilQuiet(store, runId, (events) => dataOf(events, 'ToolReturned').length === 2);
  return { store, doomed, runId };
}

function weatherWorkflow(t: ReturnType<typeof weatherTool>['tool']) {
  return new DeterministicWorkflow({ name: 'parallel_weather', agents: [createAgent('research', { tools: [t] })] });
}

describe('parallel tool calls of one turn', () => {
  it('record in the order they finish, and replay matches with zero model and zero tool calls', async () => {
    const store = createMemoryStore();
    const weather = weatherTool();
    const model = weatherModel();
    const engine = new WorkflowEngine({ store, modelResolver: () => model });
    const workflow = weatherWorkflow(weather.tool);
    engine.catalog.registerWorkflow('parallel_weather', () => workflow, { description: 'three parallel calls' });
    const r = await engine.execute(workflow, undefined, 'weather in A, B and C');
    expect(r.status).toBe('completed');
    const events = await runEvents(store, r.runId);
    // Finished in reverse order of the calls: C, B, A.
    expect(dataOf<{ callId: string }>(events, 'ToolReturned').map((e) => e.callId)).toEqual(['call_c', 'call_b', 'call_a']);
    expect(weather.executed.sort()).toEqual(['A', 'B', 'C']);
    const calls = model.calls;
    const replay = await engine.replay(r.runId);
    expect(replay.divergence).toBeUndefined();
    expect(replay.match).toBe(true);
    expect(model.calls).toBe(calls);
    expect(weather.executed).toHaveLength(3);
  });

  it('after a crash with some calls of the turn returned, a resume runs only the calls that had not returned', async () => {
    const { store, doomed, runId } = await stuckMidTurn();
    const second = weatherTool();
    const model = weatherModel();
    const engine = new WorkflowEngine({ store, modelResolver: () => model });
    const resumed = await engine.resume(runId, { force: true, workflow: weatherWorkflow(second.tool) });
    expect(resumed.status).toBe('completed');
    expect(second.executed).toEqual(['B']);
    expect(model.calls).toBe(1); // only the final answer: the turn's response came from the log
    const events = await runEvents(store, runId);
    expect(dataOf<{ callId: string }>(events, 'ToolCalled').map((e) => e.callId)).toEqual(['call_a', 'call_b', 'call_c']);
    expect(dataOf<{ callId: string }>(events, 'ToolReturned').map((e) => e.callId).sort()).toEqual(['call_a', 'call_b', 'call_c']);
    // The claim is made before B runs live again.
    expect(typesOf(events).indexOf('RunResumed')).toBeLessThan(events.findIndex((e) => e.type === 'ToolReturned' && (e.data as { callId: string }).callId === 'call_b'));
    const replay = await engine.replay(runId, { workflow: weatherWorkflow(second.tool) });
    expect(replay.match).toBe(true);
    await doomed.cancel(runId).catch(() => undefined);
  });

  it('a verifying replay of a run whose call never returned calls nothing live and reports the missing answer', async () => {
    const { store, doomed, runId } = await stuckMidTurn();
    const second = weatherTool();
    const replay = await new WorkflowEngine({ store, modelResolver: () => weatherModel() }).replay(runId, { workflow: weatherWorkflow(second.tool) });
    expect(replay.match).toBe(false);
    expect(replay.divergence?.diff.join(' ')).toMatch(/no answer to tool get_weather \(call call_b\)/);
    expect(second.executed).toEqual([]);
    await doomed.cancel(runId).catch(() => undefined);
  });
});

describe.each(Object.keys(stores))('parallel calls of one turn that need approval, on %s', (name) => {
  it('lists each approval; decided in any order from different engines, the run completes once both are decided, each call runs once, and replay matches', async () => {
    const store = await stores[name]!();
    try {
      // A runs at once; B and C need approval (the shape of the SDK's human-in-the-loop example).
      const weather = weatherTool({ needsApproval: (city) => city !== 'A' });
      const workflow = weatherWorkflow(weather.tool);
      const engineFor = () => {
        const e = new WorkflowEngine({ store, modelResolver: () => weatherModel() });
        e.catalog.registerWorkflow('parallel_weather', () => workflow, { description: 'three parallel calls' });
        return e;
      };
      const r = await engineFor().execute(workflow, undefined, 'weather');
      expect(r.status).toBe('waiting');
      expect(r.waitingFor?.map((w) => w.content)).toEqual([{ city: 'B' }, { city: 'C' }]);
      // A finished and recorded its result before the run parked.
      expect(dataOf<{ callId: string }>(await runEvents(store, r.runId), 'ToolReturned').map((e) => e.callId)).toEqual(['call_a']);
      const [b, c] = r.waitingFor!;
      // C first, from one engine: the run still waits for B.
      const first = await engineFor().approve(r.runId, { approvalId: c!.id, by: 'ann' });
      const afterFirst = first.done ? await first.done : undefined;
      expect(afterFirst?.status ?? 'waiting').toBe('waiting');
      const status = await engineFor().getWorkflowStatus(r.runId);
      expect(status.status).toBe('waiting');
      expect(status.waitingFor.map((w) => w.id)).toEqual([b!.id]);
      // Then B, from another engine: the run goes on and completes.
      const second = await engineFor().approve(r.runId, { approvalId: b!.id, by: 'bob' });
      expect(second.continued).toBe('here');
      const done = await second.done!;
      expect(done.status).toBe('completed');
      expect(done.result).toBe('Weather: A: sunny, B: sunny, C: sunny');
      expect(weather.executed.sort()).toEqual(['A', 'B', 'C']);
      const events = await runEvents(store, r.runId);
      expect(dataOf<{ approvalId: string; by: string }>(events, 'ApprovalDecided').map((d) => d.by)).toEqual(['ann', 'bob']);
      expect(typesOf(events).at(-1)).toBe('RunCompleted');
      const replay = await engineFor().replay(r.runId);
      expect(replay.divergence).toBeUndefined();
      expect(replay.match).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('a worker continues the run after both decisions', async () => {
    const store = await stores[name]!();
    const weather = weatherTool({ needsApproval: (city) => city !== 'A' });
    const workflow = weatherWorkflow(weather.tool);
    const engine = new WorkflowEngine({ store, modelResolver: () => weatherModel() });
    engine.catalog.registerWorkflow('parallel_weather', () => workflow, { description: 'three parallel calls' });
    const worker = new Worker(engine, { concurrency: 2, leaseMs: 2000, pollMs: 50 });
    try {
      const r = await engine.execute(workflow, undefined, 'weather');
      expect(r.status).toBe('waiting');
      await worker.start();
      for (const w of r.waitingFor!) await engine.approve(r.runId, { approvalId: w.id });
      const deadline = Date.now() + 30_000;
      while ((await engine.getWorkflowStatus(r.runId)).status !== 'completed') {
        if (Date.now() > deadline) throw new Error(`run still ${(await engine.getWorkflowStatus(r.runId)).status}`);
        await new Promise((res) => setTimeout(res, 25));
      }
      expect(weather.executed.sort()).toEqual(['A', 'B', 'C']);
      expect((await engine.replay(r.runId)).match).toBe(true);
    } finally {
      await worker.drain();
      await store.close();
    }
  });

  it('a continuation on code that diverges from the log ends the run failed with the divergence instead of leaving it queued or running', async () => {
    const store = await stores[name]!();
    try {
      const weather = weatherTool({ needsApproval: (city) => city !== 'A' });
      const r = await new WorkflowEngine({ store, modelResolver: () => weatherModel() }).execute(weatherWorkflow(weather.tool), undefined, 'weather');
      // The code deployed since calls another agent first.
      const changed = new DeterministicWorkflow({ name: 'parallel_weather', agents: [createAgent('writer', { tools: [weather.tool] })] });
      const engine = new WorkflowEngine({ store, modelResolver: () => weatherModel() });
      engine.catalog.registerWorkflow('parallel_weather', () => changed, { description: 'changed' });
      for (const w of r.waitingFor!) {
        const d = await engine.approve(r.runId, { approvalId: w.id });
        if (d.done) expect((await d.done).error?.code).toBe('REPLAY_DIVERGED');
      }
      const status = await engine.getWorkflowStatus(r.runId);
      expect(status.status).toBe('failed');
      const failed = dataOf<{ error: { code: string }; divergence: { recorded: { type: string }; produced: { type: string } } }>(await runEvents(store, r.runId), 'RunFailed');
      expect(failed).toHaveLength(1);
      expect(failed[0]!.error.code).toBe('REPLAY_DIVERGED');
      expect(failed[0]!.divergence.recorded.type).toBe('TaskSent');
      expect(failed[0]!.divergence.produced.type).toBe('TaskSent');
    } finally {
      await store.close();
    }
  });

  it('a worker whose code diverges from a run it claims ends the run failed with the divergence', async () => {
    const store = await stores[name]!();
    const weather = weatherTool({ needsApproval: (city) => city !== 'A' });
    const r = await new WorkflowEngine({ store, modelResolver: () => weatherModel() }).execute(weatherWorkflow(weather.tool), undefined, 'weather');
    const engine = new WorkflowEngine({ store, modelResolver: () => weatherModel() });
    const changed = new DeterministicWorkflow({ name: 'parallel_weather', agents: [createAgent('writer', { tools: [weather.tool] })] });
    engine.catalog.registerWorkflow('parallel_weather', () => changed, { description: 'changed' });
    const worker = new Worker(engine, { concurrency: 2, leaseMs: 2000, pollMs: 50 });
    try {
      await worker.start();
      for (const w of r.waitingFor!) await engine.approve(r.runId, { approvalId: w.id });
      const deadline = Date.now() + 30_000;
      while ((await engine.getWorkflowStatus(r.runId)).status !== 'failed') {
        if (Date.now() > deadline) throw new Error(`run still ${(await engine.getWorkflowStatus(r.runId)).status}`);
        await new Promise((res) => setTimeout(res, 25));
      }
      const events = await runEvents(store, r.runId);
      expect(typesOf(events).at(-1)).toBe('RunFailed');
      expect(dataOf<{ error: { code: string } }>(events, 'RunFailed')[0]!.error.code).toBe('REPLAY_DIVERGED');
      expect(await store.leases!.leases([r.runId])).toEqual([]);
    } finally {
      await worker.drain();
      await store.close();
    }
  });
});
