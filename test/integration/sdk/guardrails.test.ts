import {
  Agent, defineToolInputGuardrail, defineToolOutputGuardrail, run, tool, ToolGuardrailFunctionOutputFactory,
  type InputGuardrail, type OutputGuardrail,
} from '@openai/agents';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent, DeterministicWorkflow, WorkflowEngine, type AigenAgent } from '../../../src/index.js';
import { callTool, createMemoryStore, say, ScriptedModel } from '../../../src/testing/index.js';
import { dataOf, runEvents } from '../../support/runs.js';

/** One scripted model per agent id; the engine's resolver hands each agent its own. */
function engineWith(models: Record<string, ScriptedModel>) {
  const store = createMemoryStore();
  const engine = new WorkflowEngine({
    store,
    maxRetries: 3,
    retryDelayMs: 1,
    modelResolver: (_name, agent) => models[agent.agentId] ?? new ScriptedModel(() => say(`${agent.agentId} output`)),
  });
  return { store, engine };
}

/** An input guardrail that trips on homework questions and counts its runs. */
function homeworkGuardrail() {
  const counter = { calls: 0 };
  const guardrail: InputGuardrail = {
    name: 'math_homework',
    execute: ({ input }) => {
      counter.calls += 1;
      const text = typeof input === 'string' ? input : JSON.stringify(input);
      return Promise.resolve({ tripwireTriggered: /solve|equation/i.test(text), outputInfo: { reasoning: 'asks to solve an equation' } });
    },
  };
  return { guardrail, counter };
}

type Check = { stepId: string; guardrail: string; kind: string; callId?: string; tripwireTriggered: boolean; outputInfo?: unknown; behavior?: { type: string; message?: string } };

describe('agent guardrails', () => {
  it('an input guardrail that trips fails its step with GUARDRAIL_TRIPPED, without a retry or a model call, and the run keeps the earlier step as its partial result', async () => {
    const { guardrail, counter } = homeworkGuardrail();
    const tutor = new ScriptedModel(() => say('x = 4'));
    const { store, engine } = engineWith({ tutor });
    const workflow = new DeterministicWorkflow({
      name: 'homework',
      agents: [createAgent('research'), createAgent('writer', { agentId: 'tutor', inputGuardrails: [guardrail] })],
    });
    const r = await engine.execute(workflow, undefined, 'Solve 2x + 3 = 11');
    expect(r.status).toBe('partial');
    expect(r.result).toBe('research output');
    expect(tutor.calls).toBe(0);
    expect(counter.calls).toBe(1);
    const events = await runEvents(store, r.runId);
    const failed = dataOf<{ stepId: string; willRetry: boolean; error: { code: string; message: string } }>(events, 'StepFailed');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ stepId: '2-tutor', willRetry: false, error: { code: 'GUARDRAIL_TRIPPED' } });
    expect(failed[0]!.error.message).toContain("input guardrail 'math_homework' tripped");
    expect(dataOf<Check>(events, 'GuardrailChecked')).toEqual([
      { stepId: '2-tutor', attempt: 1, guardrail: 'math_homework', kind: 'input', tripwireTriggered: true, outputInfo: { reasoning: 'asks to solve an equation' } },
    ]);
    // Re-execution answers the check from the log: the guardrail does not run again.
    const replay = await engine.replay(r.runId, { workflow });
    expect(replay.match).toBe(true);
    expect(replay.result?.status).toBe('partial');
    expect(counter.calls).toBe(1);
  });

  it('an input guardrail that passes and an output guardrail that passes let the step complete, each check recorded', async () => {
    const { guardrail: input } = homeworkGuardrail();
    let outputCalls = 0;
    const noPhone: OutputGuardrail = {
      name: 'no_phone_numbers',
      execute: ({ agentOutput }) => {
        outputCalls += 1;
        return Promise.resolve({ tripwireTriggered: /\d{3}-\d{4}/.test(agentOutput), outputInfo: { checked: agentOutput.length } });
      },
    };
    const { store, engine } = engineWith({ helper: new ScriptedModel([say('Tides follow the moon.')]) });
    const workflow = new DeterministicWorkflow({
      name: 'helper',
      agents: [createAgent('writer', { agentId: 'helper', inputGuardrails: [input], outputGuardrails: [noPhone] })],
    });
    const r = await engine.execute(workflow, undefined, 'Tell me about tides');
    expect(r.status).toBe('completed');
    expect(r.result).toBe('Tides follow the moon.');
    const checks = dataOf<Check>(await runEvents(store, r.runId), 'GuardrailChecked');
    expect(checks.map((c) => [c.kind, c.guardrail, c.tripwireTriggered])).toEqual([
      ['input', 'math_homework', false],
      ['output', 'no_phone_numbers', false],
    ]);
    expect(checks[1]!.outputInfo).toEqual({ checked: 22 });
    expect((await engine.replay(r.runId, { workflow })).match).toBe(true);
    expect(outputCalls).toBe(1);
  });

  it('an output guardrail that trips fails the step: the model answered, its answer is not the result', async () => {
    const noPhone: OutputGuardrail = {
      name: 'no_phone_numbers',
      execute: ({ agentOutput }) => Promise.resolve({ tripwireTriggered: /\d{3}-\d{4}/.test(agentOutput), outputInfo: null }),
    };
    const model = new ScriptedModel([say('Call 555-0100.')]);
    const { store, engine } = engineWith({ helper: model });
    const workflow = new DeterministicWorkflow({ name: 'helper', agents: [createAgent('writer', { agentId: 'helper', outputGuardrails: [noPhone] })] });
    const r = await engine.execute(workflow, undefined, 'What is the number?');
    expect(r.status).toBe('failed');
    expect(model.calls).toBe(1);
    const failed = dataOf<{ error: { code: string; message: string }; willRetry: boolean }>(await runEvents(store, r.runId), 'StepFailed');
    expect(failed).toEqual([expect.objectContaining({ willRetry: false, error: expect.objectContaining({ code: 'GUARDRAIL_TRIPPED' }) })]);
    expect(failed[0]!.error.message).toContain("output guardrail 'no_phone_numbers' tripped");
    expect((await engine.replay(r.runId, { workflow })).match).toBe(true);
  });

  it("a guardrail that runs a guardrail agent records the check; on replay neither the guardrail nor its agent's model runs again", async () => {
    const judgeModel = new ScriptedModel(() => say('{"isHomework":true}'));
    const judge = new Agent({ name: 'homework_judge', instructions: 'Is this math homework?', model: judgeModel, outputType: z.object({ isHomework: z.boolean() }) });
    let runs = 0;
    const guardrail: InputGuardrail = {
      name: 'homework_judge',
      execute: async ({ input, context }) => {
        runs += 1;
        const verdict = await run(judge, typeof input === 'string' ? input : JSON.stringify(input), { context: context.context });
        return { tripwireTriggered: verdict.finalOutput?.isHomework ?? false, outputInfo: verdict.finalOutput };
      },
    };
    const tutor = new ScriptedModel(() => say('x = 4'));
    const { store, engine } = engineWith({ tutor });
    const workflow = new DeterministicWorkflow({ name: 'tutor', agents: [createAgent('writer', { agentId: 'tutor', inputGuardrails: [guardrail] })] });
    const r = await engine.execute(workflow, undefined, 'Solve 2x + 3 = 11');
    expect(r.status).toBe('failed');
    expect(judgeModel.calls).toBe(1);
    expect(tutor.calls).toBe(0);
    expect(dataOf<Check>(await runEvents(store, r.runId), 'GuardrailChecked')).toEqual([
      expect.objectContaining({ guardrail: 'homework_judge', kind: 'input', tripwireTriggered: true, outputInfo: { isHomework: true } }),
    ]);
    const replay = await engine.replay(r.runId, { workflow });
    expect(replay.match).toBe(true);
    expect(runs).toBe(1);
    expect(judgeModel.calls).toBe(1);
  });
});

describe('tool guardrails', () => {
  function weatherAgent(guardrails: Parameters<typeof tool>[0]['inputGuardrails'], outputGuardrails?: Parameters<typeof tool>[0]['outputGuardrails']): { agent: AigenAgent; calls: { count: number } } {
    const calls = { count: 0 };
    const getWeather = tool({
      name: 'get_weather',
      description: 'The weather of a city',
      parameters: z.object({ city: z.string() }),
      execute: ({ city }) => {
        calls.count += 1;
        return `Sunny in ${city}, call 555-0100`;
      },
      ...(guardrails ? { inputGuardrails: guardrails } : {}),
      ...(outputGuardrails ? { outputGuardrails } : {}),
    });
    return { agent: createAgent('writer', { agentId: 'weather', tools: [getWeather] }), calls };
  }

  it('a tool input guardrail that rejects a call keeps the tool from running; the model gets the message, and replay runs no guardrail', async () => {
    let checks = 0;
    const noSecretCities = defineToolInputGuardrail({
      name: 'no_secret_cities',
      run: ({ toolCall }) => {
        checks += 1;
        return Promise.resolve(
          toolCall.arguments.includes('Area 51') ? ToolGuardrailFunctionOutputFactory.rejectContent('That city is off limits.', { city: 'Area 51' }) : ToolGuardrailFunctionOutputFactory.allow(),
        );
      },
    });
    const { agent, calls } = weatherAgent([noSecretCities]);
    const model = new ScriptedModel([callTool('get_weather', { city: 'Area 51' }, { callId: 'call_1' }), say('I cannot tell you that.')]);
    const { store, engine } = engineWith({ weather: model });
    const workflow = new DeterministicWorkflow({ name: 'weather', agents: [agent] });
    const r = await engine.execute(workflow, undefined, 'Weather in Area 51?');
    expect(r.status).toBe('completed');
    expect(calls.count).toBe(0);
    expect(JSON.stringify(model.requests[1]!.input)).toContain('That city is off limits.');
    const events = await runEvents(store, r.runId);
    expect(dataOf(events, 'ToolCalled')).toEqual([]);
    expect(dataOf<Check>(events, 'GuardrailChecked')).toEqual([
      {
        stepId: '1-weather', attempt: 1, guardrail: 'no_secret_cities', kind: 'tool_input', callId: 'call_1', tool: 'get_weather',
        tripwireTriggered: false, behavior: { type: 'rejectContent', message: 'That city is off limits.' }, outputInfo: { city: 'Area 51' },
      },
    ]);
    expect((await engine.replay(r.runId, { workflow })).match).toBe(true);
    expect(checks).toBe(1);
  });

  it('a tool input guardrail that throws its tripwire fails the step with GUARDRAIL_TRIPPED, not retried', async () => {
    const block = defineToolInputGuardrail({ name: 'block_all', run: () => Promise.resolve(ToolGuardrailFunctionOutputFactory.throwException({ why: 'blocked' })) });
    const { agent, calls } = weatherAgent([block]);
    const model = new ScriptedModel(() => callTool('get_weather', { city: 'Oslo' }));
    const { store, engine } = engineWith({ weather: model });
    const workflow = new DeterministicWorkflow({ name: 'weather', agents: [agent] });
    const r = await engine.execute(workflow, undefined, 'Weather in Oslo?');
    expect(r.status).toBe('failed');
    expect(calls.count).toBe(0);
    expect(model.calls).toBe(1);
    const failed = dataOf<{ error: { code: string; message: string }; willRetry: boolean }>(await runEvents(store, r.runId), 'StepFailed');
    expect(failed).toEqual([expect.objectContaining({ willRetry: false, error: expect.objectContaining({ code: 'GUARDRAIL_TRIPPED' }) })]);
    expect(failed[0]!.error.message).toContain("tool input guardrail 'block_all' tripped");
    expect((await engine.replay(r.runId, { workflow })).match).toBe(true);
  });

  it('a tool output guardrail that rewrites a result is recorded and answered from the log on replay', async () => {
    let checks = 0;
    const noPhone = defineToolOutputGuardrail({
      name: 'no_phone_in_results',
      run: ({ output }) => {
        checks += 1;
        return Promise.resolve(/\d{3}-\d{4}/.test(String(output)) ? ToolGuardrailFunctionOutputFactory.rejectContent('[result withheld]') : ToolGuardrailFunctionOutputFactory.allow());
      },
    });
    const { agent, calls } = weatherAgent(undefined, [noPhone]);
    const model = new ScriptedModel([callTool('get_weather', { city: 'Oslo' }, { callId: 'call_w' }), say('Weather withheld.')]);
    const { store, engine } = engineWith({ weather: model });
    const workflow = new DeterministicWorkflow({ name: 'weather', agents: [agent] });
    const r = await engine.execute(workflow, undefined, 'Weather in Oslo?');
    expect(r.status).toBe('completed');
    expect(calls.count).toBe(1);
    expect(JSON.stringify(model.requests[1]!.input)).toContain('[result withheld]');
    expect(JSON.stringify(model.requests[1]!.input)).not.toContain('555-0100');
    const checked = dataOf<Check>(await runEvents(store, r.runId), 'GuardrailChecked');
    expect(checked).toEqual([expect.objectContaining({ kind: 'tool_output', callId: 'call_w', behavior: { type: 'rejectContent', message: '[result withheld]' } })]);
    expect((await engine.replay(r.runId, { workflow })).match).toBe(true);
    expect(checks).toBe(1);
    expect(calls.count).toBe(1);
  });
});
