import { Agent, handoff, shellTool, tool, type HandoffInputData, type ModelRequest } from '@openai/agents';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent, DeterministicWorkflow, HandoffWorkflow, UnhonouredFieldError, WorkflowEngine } from '../../../src/index.js';
import { callTool, combine, createMemoryStore, handoffToolName, say, ScriptedModel } from '../../../src/testing/index.js';

/*
 * SDK Agent objects (`new Agent({ … })`, `tool()`, `handoff()`) run as agents of aigen
 * workflows, with every field keeping its SDK meaning, and their runs replay from the log.
 */

const Forecast = z.object({ city: z.string(), summary: z.string() });

/** A weather desk written as plain SDK code, counting what its callbacks do. */
function weatherDesk() {
  const calls = { weather: 0, handoffs: 0, filtered: 0 };
  const getWeather = tool({
    name: 'get_weather',
    description: 'The weather in a city',
    parameters: z.object({ city: z.string() }),
    execute: ({ city }) => {
      calls.weather++;
      return `${city}: sunny, 21 °C`;
    },
  });
  const forecaster = new Agent({
    name: 'Forecaster',
    instructions: (_ctx, agent) => Promise.resolve(`You are ${agent.name}. Look the weather up, then answer with a forecast.`),
    tools: [getWeather],
    modelSettings: { parallelToolCalls: true, temperature: 0.2 },
    outputType: Forecast,
  });
  // Keeps only the conversation before the triage run: the next agent never sees the triage's tool calls.
  const onlyTheRequest = (data: HandoffInputData): HandoffInputData => {
    calls.filtered++;
    return { ...data, preHandoffItems: [], newItems: [] };
  };
  const triage = new Agent({
    name: 'Triage',
    instructions: 'Send weather questions to the forecaster.',
    handoffs: [
      handoff(forecaster, {
        toolNameOverride: 'ask_forecaster',
        toolDescriptionOverride: 'Ask the forecaster about the weather.',
        inputType: z.object({ reason: z.string() }),
        onHandoff: (_ctx, input) => {
          calls.handoffs++;
          expect(input).toEqual({ reason: 'weather question' });
        },
        inputFilter: onlyTheRequest,
      }),
    ],
  });
  return { triage, forecaster, calls };
}

/** One scripted model per agent id. */
function modelsFor(scripts: Record<string, ScriptedModel>) {
  return (_name: string, agent: { agentId: string }) => {
    const model = scripts[agent.agentId];
    if (!model) throw new Error(`no script for agent ${agent.agentId}`);
    return model;
  };
}

const inputTypes = (r: ModelRequest) => (Array.isArray(r.input) ? r.input.map((i) => (i as { type?: string }).type ?? 'message') : ['text']);

describe('SDK Agent objects as agents of a workflow', () => {
  it('runs a handoff workflow from SDK agents: handoff() options, function instructions, tools, modelSettings, a structured result; and replays it', async () => {
    const { triage, calls } = weatherDesk();
    const store = createMemoryStore();
    const triageModel = new ScriptedModel([combine(say('Passing you on.'), callTool('ask_forecaster', { reason: 'weather question' }))], { name: 'triage' });
    const forecasterModel = new ScriptedModel(
      [callTool('get_weather', { city: 'Oslo' }), say(JSON.stringify({ city: 'Oslo', summary: 'Sunny, 21 °C' }))],
      { name: 'forecaster' },
    );
    const engine = new WorkflowEngine({ store, modelResolver: modelsFor({ triage: triageModel, forecaster: forecasterModel }) });
    // Only the triage is listed: the Agent it hands off to joins the workflow (id: a slug of its name).
    const build = () => new HandoffWorkflow({ name: 'weather_desk', agents: [triage] });
    const result = await engine.execute(build(), undefined, 'Weather in Oslo tomorrow?');

    expect(result.status).toBe('completed');
    expect(result.result).toEqual({ city: 'Oslo', summary: 'Sunny, 21 °C' });
    expect(calls).toEqual({ weather: 1, handoffs: 1, filtered: 1 });

    const [offered] = triageModel.requests;
    const transfer = offered!.tools.find((t) => t.name === 'ask_forecaster');
    expect(transfer).toMatchObject({ description: 'Ask the forecaster about the weather.' });
    const [first, second] = forecasterModel.requests;
    expect(first!.systemInstructions).toBe('You are Forecaster. Look the weather up, then answer with a forecast.');
    expect(first!.modelSettings).toMatchObject({ parallelToolCalls: true, temperature: 0.2 });
    expect(first!.outputType).not.toBe('text');
    // The input filter dropped the triage's message and transfer call: the forecaster starts from the request.
    expect(inputTypes(first!)).toEqual(['message']);
    expect(inputTypes(second!)).toEqual(['message', 'function_call', 'function_call_result']);

    const status = await engine.getWorkflowStatus(result.runId);
    expect(status.status).toBe('completed');

    // Replay answers the model, the tool and the onHandoff callback from the log.
    const replay = await engine.replay(result.runId, { workflow: build() });
    expect(replay.match).toBe(true);
    expect(calls).toEqual({ weather: 1, handoffs: 1, filtered: 2 });
    expect([triageModel.calls, forecasterModel.calls]).toEqual([1, 2]);
  });

  it('runs SDK agents in a sequential workflow and through createAgent, with addHandoff(agent) using the SDK tool name', async () => {
    const billing = new Agent({ name: 'Billing agent', instructions: 'Answer billing questions.', handoffDescription: 'Handles invoices' });
    const support = new Agent({ name: 'Support', instructions: (_ctx, agent) => `Help the customer as ${agent.name}.` });
    const summary = new Agent({ name: 'Summary' }); // no instructions at all
    const store = createMemoryStore();
    const supportModel = new ScriptedModel([callTool(handoffToolName('Billing agent'))], { name: 'support' });
    const billingModel = new ScriptedModel([say('Your invoice is paid.')], { name: 'billing' });
    const summaryModel = new ScriptedModel([say('Invoice paid.')], { name: 'summary' });
    const engine = new WorkflowEngine({ store, modelResolver: modelsFor({ support: supportModel, billing_agent: billingModel, summary: summaryModel }) });

    const desk = createAgent(support).addHandoff(billing);
    const handoffs = await engine.execute(new HandoffWorkflow({ name: 'desk', agents: [desk, createAgent(billing)] }), undefined, 'Is my invoice paid?');
    expect([handoffs.status, handoffs.result]).toEqual(['completed', 'Your invoice is paid.']);
    const offered = supportModel.requests[0]!.tools.find((t) => t.name === 'transfer_to_Billing_agent');
    expect(offered).toMatchObject({ description: 'Handoff to the Billing agent agent to handle the request. Handles invoices' });
    expect(supportModel.requests[0]!.systemInstructions).toBe('Help the customer as Support.');

    const sequential = await engine.execute(new DeterministicWorkflow({ name: 'recap', agents: [summary] }), undefined, 'Recap: invoice paid');
    expect([sequential.status, sequential.result]).toEqual(['completed', 'Invoice paid.']);
    expect(summaryModel.requests[0]!.systemInstructions ?? '').toBe('');
    expect((await engine.replay(sequential.runId, { workflow: new DeterministicWorkflow({ name: 'recap', agents: [summary] }) })).match).toBe(true);
  });

  it('stops at a transfer even when the SDK Agent has its own toolUseBehavior', async () => {
    const lookup = tool({ name: 'lookup', description: 'Look up', parameters: z.object({ q: z.string() }), execute: ({ q }) => `found ${q}` });
    const expert = new Agent({ name: 'Expert', instructions: 'Answer.' });
    const router = new Agent({ name: 'Router', instructions: 'Look up, then route.', tools: [lookup], toolUseBehavior: { stopAtToolNames: ['never_called'] }, handoffs: [expert] });
    const store = createMemoryStore();
    const routerModel = new ScriptedModel([callTool('lookup', { q: 'x' }), callTool(handoffToolName('Expert'))], { name: 'router' });
    const expertModel = new ScriptedModel([say('The answer.')], { name: 'expert' });
    const engine = new WorkflowEngine({ store, modelResolver: modelsFor({ router: routerModel, expert: expertModel }) });
    const result = await engine.execute(new HandoffWorkflow({ name: 'route', agents: [router] }), undefined, 'q');
    expect([result.status, result.result, routerModel.calls, expertModel.calls]).toEqual(['completed', 'The answer.', 2, 1]);
  });

  it('refuses an SDK Agent with a tool aigen cannot record, naming the field', () => {
    const shell = shellTool({ name: 'run_shell', shell: { run: () => Promise.resolve({ output: [] }) } });
    const ops = new Agent({ name: 'Ops', instructions: 'Run things.', tools: [shell] });
    const build = () => new DeterministicWorkflow({ name: 'ops', agents: [ops] });
    expect(build).toThrow(UnhonouredFieldError);
    expect(build).toThrow(/agent 'ops': tools\[0\]: 'run_shell' cannot be honoured/);
    expect(() => createAgent(ops)).toThrow(/tools\[0\]/);
  });
});
