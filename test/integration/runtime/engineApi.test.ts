import { describe, expect, it } from 'vitest';
import { Context, createAgent, createWorkflow, DeterministicWorkflow, WorkflowEngine, type WorkflowDefinition } from '../../../src/index.js';
import { createMemoryStore, delay, say, ScriptedModel, SimulatedClock } from '../../../src/testing/index.js';
import { dataOf, runEvents } from '../../support/runs.js';

describe('WorkflowEngine API', () => {
  it('cancel() aborts the in-flight model call and records RunCancelled as the last event', async () => {
    const store = createMemoryStore();
    const slow = new ScriptedModel([delay(60_000, say('never'))]);
    const engine = new WorkflowEngine({ store, modelResolver: () => slow });
    const runId = await engine.start(new DeterministicWorkflow({ agents: [createAgent('research')], name: 'slow' }), 'x');
    while (slow.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
    await engine.cancel(runId, 'user pressed stop');
    const events = await runEvents(store, runId);
    expect(events.at(-1)).toMatchObject({ type: 'RunCancelled', data: { reason: 'user pressed stop' } });
    expect(slow.requests[0]!.signal?.aborted).toBe(true);
    expect(dataOf(events, 'StepCompleted')).toEqual([]);
    expect((await engine.getWorkflowStatus(runId)).status).toBe('cancelled');
  });

  it('fails a step that outlives stepTimeoutMs, then retries it (simulated clock)', async () => {
    const store = createMemoryStore();
    const clock = new SimulatedClock();
    const model = new ScriptedModel([delay(1e9, say('too late')), say('in time')]);
    const engine = new WorkflowEngine({ store, clock, stepTimeoutMs: 500, retryDelayMs: 100, maxRetries: 1, modelResolver: () => model });
    const runId = await engine.start(new DeterministicWorkflow({ agents: [createAgent('writer')], name: 't' }), 'x');
    let done = false;
    const result = engine.wait(runId).finally(() => (done = true));
    await clock.advanceUntil(() => done, 50);
    expect((await result).status).toBe('completed');
    const failures = dataOf<{ error: { code: string }; willRetry: boolean }>(await runEvents(store, runId), 'StepFailed');
    expect(failures).toEqual([expect.objectContaining({ error: expect.objectContaining({ code: 'STEP_TIMEOUT' }), willRetry: true })]);
  });

  it('records one SDK trace per run: SpanRecorded events carry the run traceId', async () => {
    const store = createMemoryStore();
    const engine = new WorkflowEngine({ store });
    const result = await engine.execute(createWorkflow('content_generation'), undefined, 'Volcanoes');
    const events = await runEvents(store, result.runId);
    const { traceId } = events[0]!.data as { traceId: string };
    expect(traceId).toMatch(/^trace_[0-9a-f]{32}$/);
    const spans = dataOf<{ traceId: string; spanType: string }>(events, 'SpanRecorded');
    expect(spans.length).toBeGreaterThanOrEqual(3);
    expect(spans.every((s) => s.traceId === traceId)).toBe(true);
    expect(new Set(spans.map((s) => s.spanType))).toContain('agent');
    expect(events.every((e) => e.metadata.traceId === traceId)).toBe(true);
  });

  it('rebuilds the seed Context from the recorded events', async () => {
    const store = createMemoryStore();
    const engine = new WorkflowEngine({ store });
    const live = new Context();
    const result = await engine.execute(createWorkflow('content_generation'), live, 'Deserts');
    const rebuilt = Context.fromEvents(await runEvents(store, result.runId));
    for (const id of ['research', 'writer', 'editor']) expect(rebuilt.getOutput(id)).toBe(live.getOutput(id));
    expect(rebuilt.getLatestOutput()).toBe(result.result);
  });

  it('records a drawable definition with nesting, parallel regions and the agent machine', async () => {
    const store = createMemoryStore();
    const engine = new WorkflowEngine({ store });
    const result = await engine.execute(createWorkflow('multi_perspective'), undefined, 'Rivers');
    const events = await runEvents(store, result.runId);
    const def = (events[0]!.data as { workflow: { definition: WorkflowDefinition } }).workflow.definition;
    expect(def.root).toBe('multi_perspective');
    const root = def.machines.multi_perspective!.root;
    expect(root.states?.branches?.type).toBe('parallel');
    expect(Object.keys(root.states?.branches?.states ?? {})).toEqual(['technical', 'creative', 'general']);
    expect(root.states?.aggregate?.invoke).toEqual([{ id: 'aggregator', src: 'agent' }]);
    expect(def.machines.agent?.root.states?.retrying?.transitions[0]?.targets).toEqual(['agent.working']);
    const loop = await engine.execute(createWorkflow('self_improving'), undefined, 'Rivers');
    const loopDef = ((await runEvents(store, loop.runId))[0]!.data as { workflow: { definition: WorkflowDefinition } }).workflow.definition;
    expect(loopDef.machines.self_improving?.root.states?.generate?.invoke).toEqual([{ id: 'content_generation', src: 'content_generation' }]);
    expect(loopDef.machines.content_generation?.root.states?.writer?.invoke).toEqual([{ id: 'content_generation/writer', src: 'agent' }]);
  });

  it('lets a second writer of the same run fail fast instead of corrupting the stream', async () => {
    const store = createMemoryStore();
    const engine = new WorkflowEngine({ store });
    const wf = () => createWorkflow('content_generation');
    const first = await engine.execute(wf(), undefined, 'a', { runId: 'fixed-run' });
    expect(first.status).toBe('completed');
    const before = (await runEvents(store, 'fixed-run')).length;
    await expect(engine.execute(wf(), undefined, 'b', { runId: 'fixed-run' })).rejects.toMatchObject({ code: 'WRONG_EXPECTED_VERSION' });
    expect((await runEvents(store, 'fixed-run')).length).toBe(before);
  });
});
