import { describe, expect, it } from 'vitest';
import { createAgent, DeterministicWorkflow, ParallelWorkflow, WorkflowEngine } from '../../../src/index.js';
import { OfflineModel } from '../../../src/models/offline/index.js';
import { createMemoryStore, fail, ScriptedModel } from '../../../src/testing/index.js';
import { dataOf, runEvents } from '../../support/runs.js';

const branch = (name: string, type: string) => new DeterministicWorkflow({ agents: [createAgent(type, { agentId: `${name}_${type}` })], name });

describe('ParallelWorkflow', () => {
  it('runs its branches at the same time as child runs (latency option)', async () => {
    const store = createMemoryStore();
    const engine = new WorkflowEngine({ store, modelResolver: (_n, agent) => new OfflineModel({ role: agent.type, latencyMs: 150 }) });
    const workflow = new ParallelWorkflow({
      name: 'fan_out',
      branches: { a: branch('a', 'research'), b: branch('b', 'research'), c: branch('c', 'research') },
      aggregator: createAgent('editor'),
    });
    const result = await engine.execute(workflow, undefined, 'Ocean currents');
    expect(result.status).toBe('completed');
    const parent = await runEvents(store, result.runId);
    const childIds = dataOf<{ childRunId: string }>(parent, 'ChildRunStarted').map((c) => c.childRunId);
    expect(childIds).toHaveLength(3);
    const spans = await Promise.all(
      childIds.map(async (id) => {
        const ev = await runEvents(store, id);
        const calls = ev.filter((e) => e.type === 'ModelCalled' || e.type === 'ModelResponded');
        return { called: Date.parse(calls[0]!.metadata.recordedAt), responded: Date.parse(calls[1]!.metadata.recordedAt) };
      }),
    );
    // Overlap: every branch's model call started before any branch's call was answered.
    const firstAnswer = Math.min(...spans.map((s) => s.responded));
    for (const s of spans) expect(s.called).toBeLessThan(firstAnswer);
  });

  it('passes a failed branch to the aggregator as "NAME VERSION: Error - …"', async () => {
    const store = createMemoryStore();
    const aggregator = new ScriptedModel((req) => ({ kind: 'respond', parts: [{ type: 'text', text: `combined: ${JSON.stringify(req.input).length}` }] }));
    const engine = new WorkflowEngine({
      store,
      maxRetries: 0,
      modelResolver: (_n, agent) =>
        agent.agentId === 'bad_writer' ? new ScriptedModel(() => fail('model unavailable')) : agent.agentId === 'editor' ? aggregator : new OfflineModel({ role: agent.type }),
    });
    const workflow = new ParallelWorkflow({
      name: 'with_failure',
      branches: { good: branch('good', 'writer'), bad: branch('bad', 'writer') },
      aggregator: createAgent('editor'),
    });
    const result = await engine.execute(workflow, undefined, 'Mountains');
    expect(result.status).toBe('completed');
    const parent = await runEvents(store, result.runId);
    const finished = dataOf<{ branch: string; status: string }>(parent, 'ChildRunFinished');
    expect(finished.find((f) => f.branch === 'bad')?.status).toBe('failed');
    const input = dataOf<{ agentId: string; input: string }>(parent, 'TaskSent').find((t) => t.agentId === 'editor')!.input;
    expect(input).toContain('GOOD VERSION:\n');
    expect(input).toMatch(/BAD VERSION: Error - .*model unavailable/);
  });
});
