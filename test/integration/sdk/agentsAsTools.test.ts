import { Agent, tool } from '@openai/agents';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent, DeterministicWorkflow, openProjections, renderTraceTree, WorkflowEngine, type TraceSpan } from '../../../src/index.js';
import { callTool, combine, createMemoryStore, fail, say, ScriptedModel } from '../../../src/testing/index.js';
import { dataOf, runEvents } from '../../support/runs.js';

interface Called { stepId: string; callId: string; tool?: string; model?: string; parentCallId?: string }

/** An orchestrator whose tools are two SDK agents (`asTool`); the Spanish one calls a tool of its own. */
function translators() {
  const dictionary = tool({
    name: 'dictionary', description: 'Look a word up', parameters: z.object({ word: z.string() }),
    execute: ({ word }) => `${word} = hola`,
  });
  const spanish = new Agent({ name: 'Spanish translator', instructions: 'Translate to Spanish.', tools: [dictionary] });
  const french = new Agent({ name: 'French translator', instructions: 'Translate to French.' });
  const orchestrator = createAgent('orchestrator', {
    tools: [
      spanish.asTool({ toolName: 'to_spanish', toolDescription: 'Translate to Spanish' }),
      french.asTool({ toolName: 'to_french', toolDescription: 'Translate to French' }),
    ] as never[],
  });
  const models = {
    orchestrator: new ScriptedModel([
      combine(callTool('to_spanish', { input: 'hello' }), callTool('to_french', { input: 'hello' })),
      say('es: hola, fr: bonjour'),
    ], { name: 'orch' }),
    to_spanish: new ScriptedModel([callTool('dictionary', { word: 'hello' }), say('hola')], { name: 'es' }),
    to_french: new ScriptedModel([say('bonjour')], { name: 'fr' }),
  };
  const workflow = () => new DeterministicWorkflow({ name: 'translate', agents: [orchestrator] });
  return { models, workflow };
}

type Models = Record<string, ScriptedModel>;
const resolverOf = (models: Models) => (_name: string, agent: { agentId: string }) => {
  const model = models[agent.agentId];
  if (!model) throw new Error(`no scripted model for ${agent.agentId}`);
  return model;
};
const totalCalls = (models: Models) => Object.values(models).reduce((n, m) => n + m.calls, 0);

describe('agents used as tools are part of the run', () => {
  it('records the nested model and tool calls of parallel agent tools, linked to their tool call, in the run model', async () => {
    const store = createMemoryStore();
    const { models, workflow } = translators();
    const engine = new WorkflowEngine({ store, model: 'offline', modelResolver: resolverOf(models) });
    const r = await engine.execute(workflow(), undefined, 'Translate hello');
    expect(r.status, JSON.stringify(r.error)).toBe('completed');
    expect(r.result).toBe('es: hola, fr: bonjour');
    const events = await runEvents(store, r.runId);
    const tools = dataOf<Called>(events, 'ToolCalled');
    const spanish = tools.find((t) => t.tool === 'to_spanish')!;
    const french = tools.find((t) => t.tool === 'to_french')!;
    expect(spanish.parentCallId).toBeUndefined();
    const nestedModels = dataOf<Called>(events, 'ModelResponded').filter((m) => m.parentCallId !== undefined);
    expect(nestedModels.map((m) => m.parentCallId).sort()).toEqual([spanish.callId, spanish.callId, french.callId].sort());
    expect(nestedModels.every((m) => m.model === 'offline' && m.callId.startsWith(`${m.stepId}.1.${m.parentCallId}.`))).toBe(true);
    expect(new Set(dataOf<Called>(events, 'ModelCalled').map((m) => m.callId)).size).toBe(5);
    expect(tools.filter((t) => t.parentCallId === spanish.callId).map((t) => t.tool)).toEqual(['dictionary']);
    expect(dataOf<Called & { output: unknown }>(events, 'ToolReturned').find((t) => t.tool === 'dictionary')).toMatchObject({ parentCallId: spanish.callId });
    expect(models.to_spanish.calls + models.to_french.calls).toBe(3);
  });

  it('counts nested model calls in the step, run and usage projection', async () => {
    const store = createMemoryStore();
    const { models, workflow } = translators();
    const engine = new WorkflowEngine({ store, modelResolver: resolverOf(models) });
    const r = await engine.execute(workflow(), undefined, 'Translate hello');
    // 2 orchestrator + 3 nested calls, 10 input and 5 output tokens each (two in the parallel turn).
    expect(r.usage.requests).toBe(5);
    const step = dataOf<{ usage: { requests: number } }>(await runEvents(store, r.runId), 'StepCompleted')[0]!;
    expect(step.usage.requests).toBe(5);
    const projections = await openProjections('memory:', store);
    await projections.catchUp();
    const usage = await projections.usage({ runId: r.runId });
    expect(usage.overall.usage.requests).toBe(5);
    expect(usage.overall.usage.totalTokens).toBe(r.usage.totalTokens);
    await projections.close();
  });

  it('replays from the log with zero model calls, and the trace draws nested calls under their tool call', async () => {
    const store = createMemoryStore();
    const { models, workflow } = translators();
    const engine = new WorkflowEngine({ store, modelResolver: resolverOf(models) });
    const r = await engine.execute(workflow(), undefined, 'Translate hello');
    const before = totalCalls(models);
    const replay = await engine.replay(r.runId, { workflow: workflow() });
    expect(replay.match, JSON.stringify(replay.divergence)).toBe(true);
    expect(totalCalls(models)).toBe(before);

    const projections = await openProjections('memory:', store);
    await projections.catchUp();
    const trace = (await projections.trace(r.runId))!;
    await projections.close();
    const step = trace.root.children.find((s) => s.kind === 'step')!;
    const toolSpan = (name: string) => step.children.find((s) => s.kind === 'tool' && s.name === name)!;
    const kinds = (s: TraceSpan) => s.children.filter((c) => c.kind !== 'sdk').map((c) => `${c.kind} ${c.name}`);
    expect(kinds(toolSpan('to_spanish'))).toEqual(['model offline', 'tool dictionary', 'model offline']);
    expect(kinds(toolSpan('to_french'))).toEqual(['model offline']);
    expect(kinds(step).filter((k) => k.startsWith('model'))).toHaveLength(2);
    expect(renderTraceTree(trace, { sdk: false })).toMatch(/tool to_french[^\n]*\n[│ ]*\s+└─ model offline/);
  });

  it('a nested model that fails fails the tool call and the step, instead of completing on an error text', async () => {
    const store = createMemoryStore();
    const { models, workflow } = translators();
    models.orchestrator = new ScriptedModel([callTool('to_french', { input: 'hello' }), say('unreachable')], { name: 'orch' });
    models.to_french = new ScriptedModel([fail('no key for the nested model')], { name: 'fr' });
    const engine = new WorkflowEngine({ store, maxRetries: 0, modelResolver: resolverOf(models) });
    const r = await engine.execute(workflow(), undefined, 'Translate hello');
    expect(r.status).toBe('failed');
    expect(r.error?.message).toMatch(/no key for the nested model/);
    const events = await runEvents(store, r.runId);
    expect(dataOf<Called>(events, 'ModelFailed')).toEqual([expect.objectContaining({ parentCallId: expect.any(String) })]);
    expect(dataOf<Called>(events, 'ToolFailed').map((t) => t.tool)).toEqual(['to_french']);
    expect(models.orchestrator.calls).toBe(1);
    expect(dataOf<{ error: { message: string } }>(events, 'StepFailed')[0]?.error.message).toMatch(/no key for the nested model/);
    expect((await engine.replay(r.runId, { workflow: workflow() })).match).toBe(true);
  });

  it('without a key, a nested agent on an OpenAI model fails loudly with MISSING_API_KEY', async () => {
    const store = createMemoryStore();
    const french = new Agent({ name: 'French translator', instructions: 'Translate to French.', model: 'gpt-4.1-mini' });
    const orchestrator = createAgent('orchestrator', { tools: [french.asTool({ toolName: 'to_french', toolDescription: 'French' })] as never[] });
    const saved = process.env.OPENAI_API_KEY;
    delete process.env.OPENAI_API_KEY;
    try {
      const engine = new WorkflowEngine({ store, model: 'offline', maxRetries: 0 });
      const r = await engine.execute(new DeterministicWorkflow({ name: 'fr', agents: [orchestrator] }), undefined, 'Translate hello');
      expect(r.status).toBe('failed');
      expect(r.error?.message).toMatch(/gpt-4\.1-mini' needs OPENAI_API_KEY/);
      const events = await runEvents(store, r.runId);
      expect(dataOf<Called & { error: { code: string } }>(events, 'ModelFailed')).toEqual([
        expect.objectContaining({ model: 'gpt-4.1-mini', parentCallId: expect.any(String), error: expect.objectContaining({ code: 'MISSING_API_KEY' }) }),
      ]);
      expect(dataOf<Called>(events, 'ToolFailed').map((t) => t.tool)).toEqual(['to_french']);
    } finally {
      if (saved !== undefined) process.env.OPENAI_API_KEY = saved;
    }
  });
});
