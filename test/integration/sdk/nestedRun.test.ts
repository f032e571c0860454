import { Agent, run, tool, type InputGuardrail } from '@openai/agents';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent, DeterministicWorkflow, WorkflowEngine } from '../../../src/index.js';
import { callTool, createMemoryStore, say, ScriptedModel } from '../../../src/testing/index.js';
import { dataOf, runEvents } from '../../support/runs.js';

// A plain `run()` of the SDK (its default runner) inside a tool or a guardrail is part of the
// step: its model is the run's, each of its calls is an event under the tool call or the check,
// and replay answers it from the log.

type ModelEvent = { stepId: string; callId: string; parentCallId?: string; response?: { usage: { totalTokens: number } } };

function engineWith(models: Record<string, ScriptedModel>) {
  const store = createMemoryStore();
  const asked: string[] = [];
  const engine = new WorkflowEngine({
    store,
    maxRetries: 0,
    modelResolver: (_name, agent) => {
      asked.push(agent.agentId);
      const m = models[agent.agentId];
      if (!m) throw new Error(`no scripted model for ${agent.agentId}`);
      return m;
    },
  });
  return { store, engine, asked };
}

describe('a plain SDK run() nested in a step', () => {
  it('inside a function tool: uses the run\'s model resolver, is recorded under the tool call, counts in usage, and replays with zero model calls', async () => {
    const summarizer = new Agent({ name: 'Summarizer', instructions: 'Summarize in five words.' });
    const summarize = tool({
      name: 'summarize',
      description: 'Summarize a text',
      parameters: z.object({ text: z.string() }),
      execute: async ({ text }) => (await run(summarizer, text)).finalOutput ?? '',
    });
    const inner = new ScriptedModel(() => say('Tides follow the moon.', { inputTokens: 7, outputTokens: 3 }));
    const outer = new ScriptedModel([callTool('summarize', { text: 'A long text about tides.' }, { callId: 'call_sum' }), say('Done: Tides follow the moon.')]);
    const { store, engine, asked } = engineWith({ research: outer, summarize: inner });
    const workflow = new DeterministicWorkflow({ name: 'nested_run', agents: [createAgent('research', { tools: [summarize] })] });
    const r = await engine.execute(workflow, undefined, 'Tides');
    expect(r.status).toBe('completed');
    expect(asked).toContain('summarize');
    const events = await runEvents(store, r.runId);
    const nested = dataOf<ModelEvent>(events, 'ModelResponded').filter((e) => e.parentCallId === 'call_sum');
    expect(nested).toHaveLength(1);
    expect(dataOf<{ output: unknown }>(events, 'ToolReturned')[0]!.output).toBe('Tides follow the moon.');
    expect(r.usage.totalTokens).toBe(10 + 15 + 15); // the nested call's 10 and the two outer calls'
    const calls = inner.calls + outer.calls;
    const replay = await engine.replay(r.runId, { workflow });
    expect(replay.match).toBe(true);
    expect(inner.calls + outer.calls).toBe(calls);
  });

  it('inside an input guardrail: the guardrail agent\'s model call is recorded under the check, and replay runs neither again', async () => {
    const judge = new Agent({ name: 'Judge', instructions: 'Is this math homework?', outputType: z.object({ isHomework: z.boolean() }) });
    let checks = 0;
    const guardrail: InputGuardrail = {
      name: 'Math Homework Guardrail',
      execute: async ({ input, context }) => {
        checks += 1;
        const verdict = await run(judge, typeof input === 'string' ? input : JSON.stringify(input), { context: context.context });
        return { tripwireTriggered: verdict.finalOutput?.isHomework ?? false, outputInfo: verdict.finalOutput };
      },
    };
    const judgeModel = new ScriptedModel(() => say('{"isHomework":false}'));
    const support = new ScriptedModel(() => say('Sacramento.'));
    const { store, engine } = engineWith({ Math_Homework_Guardrail: judgeModel, support });
    const workflow = new DeterministicWorkflow({ name: 'guarded', agents: [createAgent('writer', { agentId: 'support', inputGuardrails: [guardrail] })] });
    const r = await engine.execute(workflow, undefined, 'What is the capital of California?');
    expect(r.status).toBe('completed');
    expect(r.result).toBe('Sacramento.');
    const events = await runEvents(store, r.runId);
    const nested = dataOf<ModelEvent>(events, 'ModelCalled').filter((e) => e.parentCallId !== undefined);
    expect(nested.map((e) => e.parentCallId)).toEqual(['guardrail.input.Math Homework Guardrail']);
    const replay = await engine.replay(r.runId, { workflow });
    expect(replay.divergence).toBeUndefined();
    expect(replay.match).toBe(true);
    expect(checks).toBe(1);
    expect(judgeModel.calls).toBe(1);
  });
});
