import { describe, expect, it } from 'vitest';
import { BranchingWorkflow, createAgent, createWorkflow, DeterministicWorkflow, WorkflowEngine, type Workflow } from '../../../src/index.js';
import { createMemoryStore, ThrowingModel } from '../../../src/testing/index.js';
import { runEvents } from '../../support/runs.js';

const patterns = ['content_generation', 'dynamic_content', 'content_router', 'multi_perspective', 'self_improving'];

describe('replay', () => {
  it.each(patterns)('replays a recorded %s run with verify = match and zero model calls', async (name) => {
    const store = createMemoryStore();
    const live = new WorkflowEngine({ store, retryDelayMs: 1 });
    const recorded = await live.execute(createWorkflow(name), undefined, 'Write a short story about quantum software');
    expect(recorded.status).toBe('completed');
    const before = (await runEvents(store, recorded.runId)).length;
    const throwing = new ThrowingModel();
    const replayer = new WorkflowEngine({ store, modelResolver: () => throwing });
    const replay = await replayer.replay(recorded.runId);
    expect(replay.divergence).toBeUndefined();
    expect(replay.match).toBe(true);
    expect(replay.matchedEvents).toBeGreaterThan(10);
    expect(replay.result?.result).toEqual(recorded.result);
    expect(throwing.calls).toBe(0);
    expect((await runEvents(store, recorded.runId)).length).toBe(before);
  });

  async function recordThenReplay(original: Workflow, changed: Workflow, input = 'Explain database indexing') {
    const store = createMemoryStore();
    const engine = new WorkflowEngine({ store });
    const run = await engine.execute(original, undefined, input);
    const events = await runEvents(store, run.runId);
    return { replay: await engine.replay(run.runId, { workflow: changed }), events };
  }

  it('reports swapping two agents as a divergence at the first task of the changed step', async () => {
    const make = (a: string, b: string) => new DeterministicWorkflow({ agents: [createAgent('research'), createAgent(a), createAgent(b)], name: 'cg' });
    const { replay, events } = await recordThenReplay(make('writer', 'editor'), make('editor', 'writer'));
    expect(replay.match).toBe(false);
    const expected = events.filter((e) => e.type === 'TaskSent')[1]!;
    expect(replay.divergence?.position).toBe(expected.streamPosition);
    expect(replay.divergence?.recorded?.type).toBe('TaskSent');
    expect(replay.divergence?.diff.join('\n')).toContain('data.agentId: recorded "writer", produced "editor"');
  });

  it('reports a changed instruction as a divergence at that agent\'s model call', async () => {
    const make = (instructions?: string) =>
      new DeterministicWorkflow({ agents: [createAgent('research'), createAgent('writer', instructions ? { instructions } : {})], name: 'cg' });
    const { replay, events } = await recordThenReplay(make(), make('Write only in haiku.'));
    const writerCall = events.filter((e) => e.type === 'ModelCalled')[1]!;
    expect(replay.divergence?.position).toBe(writerCall.streamPosition);
    expect(replay.divergence?.diff.join('\n')).toContain('requestDigest');
  });

  it('reports a changed branch rule as a divergence at BranchTaken', async () => {
    const make = (rule?: 'always-creative') =>
      new BranchingWorkflow({
        name: 'router',
        classifier: createAgent('strategy'),
        branches: { technical: createAgent('writer'), creative: createAgent('editor'), general: createAgent('summarizer') },
        ...(rule ? { extract: () => ({ branch: 'creative', reason: 'always' }) } : {}),
      });
    const { replay, events } = await recordThenReplay(make(), make('always-creative'));
    const branch = events.find((e) => e.type === 'BranchTaken')!;
    expect(replay.divergence?.position).toBe(branch.streamPosition);
    expect(replay.divergence?.diff.join('\n')).toContain('data.branch: recorded "technical", produced "creative"');
  });
});
