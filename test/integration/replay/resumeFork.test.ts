import type { Model, ModelRequest } from '@openai/agents';
import { describe, expect, it } from 'vitest';
import { createWorkflow, WorkflowEngine, type RecordedEvent } from '../../../src/index.js';
import { OfflineModel } from '../../../src/models/offline/index.js';
import { comparable } from '../../../src/journal/compare.js';
import { createMemoryStore } from '../../../src/testing/index.js';
import { dataOf, runEvents } from '../../support/runs.js';

/** A model that never answers (until aborted): the process "dies" while waiting on it. */
const hang = (req: ModelRequest) => new Promise<never>((_, reject) => req.signal?.addEventListener('abort', () => reject(new Error('aborted'))));
const hanging: Model = {
  getResponse: hang,
  getStreamedResponse: (req) => ({ [Symbol.asyncIterator]: () => ({ next: () => hang(req) }) }),
};

async function until(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, 5));
}

/** Start a run whose writer hangs, and wait until it is stuck there (research done, writer called). */
async function crashedRun(store = createMemoryStore()) {
  const doomed = new WorkflowEngine({ store, modelResolver: (_n, a) => (a.agentId === 'writer' ? hanging : new OfflineModel({ role: a.type })) });
  const runId = await doomed.start(createWorkflow('content_generation'), 'Generate content about AI');
  await until(async () => (await runEvents(store, runId)).some((e) => e.type === 'ModelCalled' && (e.data as { stepId: string }).stepId.endsWith('writer')));
  return { store, runId, doomed };
}

describe('resume', () => {
  it('continues a run whose process died: recorded steps never run again, the result equals an uninterrupted run', async () => {
    const { store, runId, doomed } = await crashedRun();
    const before = await runEvents(store, runId);
    const research = new Map<string, number>();
    const engine = new WorkflowEngine({
      store,
      modelResolver: (_n, a) => {
        const inner = new OfflineModel({ role: a.type });
        return {
          getResponse: (req) => (research.set(a.agentId, (research.get(a.agentId) ?? 0) + 1), inner.getResponse(req)),
          getStreamedResponse: (req) => (research.set(a.agentId, (research.get(a.agentId) ?? 0) + 1), inner.getStreamedResponse(req)),
        };
      },
    });
    // The stuck run is still executing in this process: a plain resume refuses; `force` takes it over.
    await expect(engine.resume(runId)).rejects.toMatchObject({ code: 'RUN_BUSY' });
    const resumed = await engine.resume(runId, { force: true });
    expect(resumed.status).toBe('completed');
    expect(research.get('research')).toBeUndefined();
    const after = await runEvents(store, runId);
    expect(after.slice(0, before.length)).toEqual(before);
    expect(dataOf<{ agentId: string }>(after, 'StepCompleted').map((s) => s.agentId)).toEqual(['research', 'writer', 'editor']);
    expect(after.map((e) => e.streamPosition)).toEqual(after.map((_, i) => i));
    const fresh = await new WorkflowEngine({ store: createMemoryStore() }).execute(createWorkflow('content_generation'), undefined, 'Generate content about AI');
    expect(resumed.result).toBe(fresh.result);
    // The dead process cannot write into the resumed run any more.
    await doomed.cancel(runId).catch(() => undefined);
    expect((await runEvents(store, runId)).length).toBe(after.length);
  });

  it('lets exactly one of two concurrent resumes proceed; the other fails with RUN_BUSY', async () => {
    const { store, runId } = await crashedRun();
    const a = new WorkflowEngine({ store });
    const b = new WorkflowEngine({ store });
    const outcomes = await Promise.allSettled([a.resume(runId, { force: true }), b.resume(runId, { force: true })]);
    const ok = outcomes.filter((o) => o.status === 'fulfilled');
    const failed = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(ok).toHaveLength(1);
    expect(failed).toHaveLength(1);
    expect(failed[0]!.reason).toMatchObject({ code: 'RUN_BUSY' });
    expect(dataOf(await runEvents(store, runId), 'RunResumed')).toHaveLength(1);
  });

  it('refuses to resume a finished run', async () => {
    const store = createMemoryStore();
    const engine = new WorkflowEngine({ store });
    const done = await engine.execute(createWorkflow('content_generation'), undefined, 'x');
    await expect(engine.resume(done.runId)).rejects.toMatchObject({ code: 'RUN_FINISHED' });
  });
});

const view = (events: RecordedEvent[]) =>
  events.filter((e) => e.type !== 'SpanRecorded').map((e) => {
    const c = comparable(e.type, e.data) as { type: string; data: Record<string, unknown> };
    if (c.type === 'RunStarted') delete c.data.runId;
    return c;
  });

describe('fork', () => {
  it('equals its source up to P at several positions, then continues live with the overrides', async () => {
    const store = createMemoryStore();
    const engine = new WorkflowEngine({ store });
    const source = await engine.execute(createWorkflow('content_generation'), undefined, 'Generate content about AI');
    const sourceEvents = await runEvents(store, source.runId);
    const researchDone = sourceEvents.find((e) => e.type === 'StepCompleted')!.streamPosition;
    for (const at of [0, researchDone, sourceEvents.length - 2]) {
      // Instructions change what later steps are asked; override only agents that run after P.
      const editorAsked = sourceEvents.filter((e) => e.type === 'ModelCalled').at(-1)!.streamPosition;
      const fork = await engine.fork(source.runId, { at, ...(at < editorAsked ? { instructions: { editor: 'Edit tersely.' } } : {}) });
      expect(fork.status).toBe('completed');
      expect(fork.runId).not.toBe(source.runId);
      const forkEvents = await runEvents(store, fork.runId);
      expect(forkEvents[0]!.data).toMatchObject({ forkOf: { runId: source.runId, position: at } });
      const prefix = view(sourceEvents.filter((e) => e.streamPosition <= at));
      expect(view(forkEvents).slice(0, prefix.length)).toEqual(prefix);
      expect(forkEvents.at(-1)!.type).toBe('RunCompleted');
      const editorCall = forkEvents.filter((e) => e.type === 'ModelCalled').at(-1)!;
      const sourceEditorCall = sourceEvents.filter((e) => e.type === 'ModelCalled').at(-1)!;
      if (editorCall.streamPosition > at) expect(editorCall.data).not.toEqual(sourceEditorCall.data);
    }
  });

  it('rejects a position outside the source run', async () => {
    const store = createMemoryStore();
    const engine = new WorkflowEngine({ store });
    const source = await engine.execute(createWorkflow('content_generation'), undefined, 'x');
    await expect(engine.fork(source.runId, { at: 10_000 })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});
