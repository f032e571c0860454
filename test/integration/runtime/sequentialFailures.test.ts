import { describe, expect, it } from 'vitest';
import { createAgent, DEFAULT_STEP_TIMEOUT_MS, DeterministicWorkflow, WorkflowEngine } from '../../../src/index.js';
import { createMemoryStore, fail, say, ScriptedModel, SimulatedClock } from '../../../src/testing/index.js';
import { dataOf, runEvents } from '../../support/runs.js';

function sequence() {
  return new DeterministicWorkflow({ agents: [createAgent('research'), createAgent('writer'), createAgent('editor')], name: 'content_generation' });
}

/** One scripted model per agent id; a missing one answers with its id. */
function engineWith(models: Record<string, ScriptedModel>, clock = new SimulatedClock(), maxRetries = 2) {
  const store = createMemoryStore();
  const engine = new WorkflowEngine({
    store,
    clock,
    maxRetries,
    retryDelayMs: 1000,
    modelResolver: (_name, agent) => models[agent.agentId] ?? new ScriptedModel(() => say(`${agent.agentId} output`)),
  });
  return { store, engine, clock };
}

async function runWithClock(engine: WorkflowEngine, clock: SimulatedClock) {
  const runId = await engine.start(sequence(), 'Generate content about AI');
  let done = false;
  const result = engine.wait(runId).finally(() => (done = true));
  await clock.advanceUntil(() => done, 250);
  return result;
}

describe('DeterministicWorkflow failure semantics', () => {
  it('fails the run when the first agent fails after all its retries', async () => {
    const research = new ScriptedModel(() => fail('research is down', { retryable: true }));
    const { engine, store, clock } = engineWith({ research });
    const result = await runWithClock(engine, clock);
    expect(result.status).toBe('failed');
    expect(result.error?.code).toBe('WORKFLOW_FAILED');
    expect(result.error?.message).toContain('Initial agent research failed');
    expect(research.calls).toBe(3);
    const events = await runEvents(store, result.runId);
    const failures = dataOf<{ attempt: number; willRetry: boolean; retryInMs?: number }>(events, 'StepFailed');
    expect(failures.map((f) => [f.attempt, f.willRetry, f.retryInMs])).toEqual([
      [1, true, 1000],
      [2, true, 2000],
      [3, false, undefined],
    ]);
    expect(events.at(-1)?.type).toBe('RunFailed');
    expect(dataOf(events, 'TaskSent').length).toBe(3);
  });

  it('completes with the best partial content when a later agent fails', async () => {
    const writer = new ScriptedModel(() => fail('writer broke'));
    const { engine, store, clock } = engineWith({ writer });
    const result = await runWithClock(engine, clock);
    expect(result.status).toBe('partial');
    expect(result.partial).toBe(true);
    expect(result.result).toBe('research output');
    const events = await runEvents(store, result.runId);
    expect(events.at(-1)?.type).toBe('RunCompleted');
    expect(events.at(-1)?.data).toMatchObject({ partial: true, output: 'research output' });
    expect(dataOf(events, 'StepCompleted').map((s) => s.agentId)).toEqual(['research']);
  });

  it('makes maxRetries + 1 attempts with exponential backoff on the simulated clock', async () => {
    const editor = new ScriptedModel([fail('flaky', { retryable: true }), fail('flaky', { retryable: true }), fail('flaky', { retryable: true }), say('edited at last')]);
    const { engine, store, clock } = engineWith({ editor }, new SimulatedClock(), 3);
    const result = await runWithClock(engine, clock);
    expect(result.status).toBe('completed');
    expect(result.result).toBe('edited at last');
    expect(editor.calls).toBe(4);
    const events = await runEvents(store, result.runId);
    const retries = dataOf<{ retryInMs?: number }>(events, 'StepFailed').map((f) => f.retryInMs);
    expect(retries).toEqual([1000, 2000, 4000]);
    // (Each attempt also arms the step timeout.)
    expect(clock.scheduled.filter((ms) => ms >= 1000 && ms !== DEFAULT_STEP_TIMEOUT_MS)).toEqual([1000, 2000, 4000]);
    const status = await engine.getWorkflowStatus(result.runId);
    expect(status.steps.find((s) => s.agentId === 'editor')).toMatchObject({ status: 'completed', attempts: 4 });
    const editorStates = dataOf<{ actorId: string; to: unknown }>(events, 'Transitioned')
      .filter((t) => t.actorId === 'editor')
      .map((t) => t.to);
    expect(editorStates).toEqual(['working', 'retrying', 'working', 'retrying', 'working', 'retrying', 'working', 'done']);
  });
});
