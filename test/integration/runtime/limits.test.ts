import { describe, expect, it } from 'vitest';
import { createAgent, HandoffWorkflow, LoopWorkflow, WorkflowEngine } from '../../../src/index.js';
import { createMemoryStore, handoffTo, say, sayAndHandoff, ScriptedModel } from '../../../src/testing/index.js';
import { dataOf, runEvents } from '../../support/runs.js';

describe('turn and iteration limits', () => {
  it('fails a handoff workflow that hands over forever with a clear turn-limit error', async () => {
    const store = createMemoryStore();
    const ping = createAgent('research', { agentId: 'ping' }).addHandoff('pong');
    const pong = createAgent('writer', { agentId: 'pong' }).addHandoff('ping');
    const engine = new WorkflowEngine({
      store,
      maxTurns: 6,
      modelResolver: (_n, agent) => new ScriptedModel(() => handoffTo(agent.agentId === 'ping' ? 'pong' : 'ping')),
    });
    const result = await engine.execute(new HandoffWorkflow({ agents: [ping, pong], name: 'forever' }), undefined, 'go');
    expect(result.status).toBe('failed');
    expect(result.error?.code).toBe('MAX_TURNS_EXCEEDED');
    expect(result.error?.message).toContain('turn limit of 6');
    const events = await runEvents(store, result.runId);
    expect(dataOf(events, 'HandoffRequested').length).toBe(7);
    expect(events.at(-1)?.type).toBe('RunFailed');
  });

  it('moves the conversation with each handoff so the next agent sees what came before', async () => {
    const store = createMemoryStore();
    const triage = createAgent('orchestrator').addHandoff('writer');
    const writer = createAgent('writer');
    const writerModel = new ScriptedModel(() => say('the article'));
    const engine = new WorkflowEngine({
      store,
      modelResolver: (_n, agent) => (agent.agentId === 'writer' ? writerModel : new ScriptedModel(() => sayAndHandoff('routing to writer', 'writer'))),
    });
    const result = await engine.execute(new HandoffWorkflow({ agents: [triage, writer], name: 'two' }), undefined, 'Tell me about tides');
    expect(result).toMatchObject({ status: 'completed', result: 'the article' });
    const seen = JSON.stringify(writerModel.requests[0]!.input);
    expect(seen).toContain('Tell me about tides');
    expect(seen).toContain('routing to writer');
    expect(seen).toContain('transfer_to_writer');
  });

  it('stops a loop at maxIterations when the critic never approves', async () => {
    const store = createMemoryStore();
    const calls = new Map<string, number>();
    const next = (id: string) => (calls.set(id, (calls.get(id) ?? 0) + 1), calls.get(id)!);
    const engine = new WorkflowEngine({
      store,
      modelResolver: (_n, agent) =>
        new ScriptedModel(() => say(agent.agentId === 'critic' ? `Needs more detail (${next('critic')})` : `draft ${agent.agentId} ${next(agent.agentId)}`)),
    });
    const loop = new LoopWorkflow({ name: 'strict', generator: createAgent('writer'), critic: createAgent('critic'), reviser: createAgent('writer', { agentId: 'reviser' }), maxIterations: 2 });
    const result = await engine.execute(loop, undefined, 'Write a haiku');
    expect(result).toMatchObject({ status: 'completed', result: 'draft reviser 2' });
    const events = await runEvents(store, result.runId);
    const agents = dataOf<{ agentId: string }>(events, 'StepCompleted').map((s) => s.agentId);
    expect(agents).toEqual(['writer', 'critic', 'reviser', 'critic', 'reviser', 'critic']);
  });

  it('stops a loop as soon as the critic approves', async () => {
    const store = createMemoryStore();
    const engine = new WorkflowEngine({
      store,
      modelResolver: (_n, agent) => new ScriptedModel(() => say(agent.agentId === 'critic' ? 'Excellent. No improvements needed.' : 'a fine draft')),
    });
    const loop = new LoopWorkflow({ name: 'easy', generator: createAgent('writer'), critic: createAgent('critic'), reviser: createAgent('writer', { agentId: 'reviser' }), maxIterations: 3 });
    const result = await engine.execute(loop, undefined, 'Write a haiku');
    const events = await runEvents(store, result.runId);
    expect(dataOf<{ agentId: string }>(events, 'StepCompleted').map((s) => s.agentId)).toEqual(['writer', 'critic']);
    expect(result.result).toBe('a fine draft');
  });
});
