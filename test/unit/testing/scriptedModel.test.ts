import { Agent, Runner, setTracingDisabled, tool, type ModelRequest } from '@openai/agents';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  callTool, combine, delay, fail, handoffTo, handoffToolName, say, sayAndHandoff, ScriptedModel,
  ScriptedModelError, scriptedProvider,
} from '../../../src/testing/scriptedModel.js';
import { ThrowingModel, UnexpectedModelCallError } from '../../../src/testing/throwingModel.js';

beforeAll(() => setTracingDisabled(true));

const addCalls: { a: number; b: number }[] = [];
const add = tool({
  name: 'add',
  description: 'Add two numbers',
  parameters: z.object({ a: z.number(), b: z.number() }),
  execute: ({ a, b }) => {
    addCalls.push({ a, b });
    return String(a + b);
  },
});

describe('ScriptedModel through the SDK Runner', () => {
  it('says text as the final output and records the request', async () => {
    const model = new ScriptedModel([say('hello', { inputTokens: 3, outputTokens: 2 })]);
    const result = await new Runner().run(new Agent({ name: 'greeter', instructions: 'Be nice.', model }), 'hi');
    expect(result.finalOutput).toBe('hello');
    expect(model.calls).toBe(1);
    expect(model.requests[0]?.systemInstructions).toBe('Be nice.');
    expect(result.state.usage).toMatchObject({ inputTokens: 3, outputTokens: 2, totalTokens: 5 });
  });

  it('calls a tool, feeds its output back, then answers', async () => {
    addCalls.length = 0;
    const model = new ScriptedModel([callTool('add', { a: 2, b: 3 }), say('5')], { name: 'calc' });
    const result = await new Runner().run(new Agent({ name: 'calc', model, tools: [add] }), 'what is 2+3?');
    expect(result.finalOutput).toBe('5');
    expect(addCalls).toEqual([{ a: 2, b: 3 }]);
    expect(model.requests[0]?.tools.map((t) => t.name)).toEqual(['add']);
    const second = model.requests[1]?.input;
    expect(second).toContainEqual(expect.objectContaining({ type: 'function_call_result', callId: 'call_calc_1' }));
    expect(result.newItems.map((i) => i.type)).toEqual(['tool_call_item', 'tool_call_output_item', 'message_output_item']);
  });

  it('hands off to another agent using the SDK tool name', async () => {
    expect(handoffToolName('Billing Agent')).toBe('transfer_to_Billing_Agent');
    const billingModel = new ScriptedModel([say('refund issued')]);
    const billing = new Agent({ name: 'Billing Agent', model: 'billing' });
    const triage = new Agent({ name: 'triage', model: 'triage', handoffs: [billing] });
    const triageModel = new ScriptedModel([sayAndHandoff('one moment', 'Billing Agent')]);
    const runner = new Runner({ modelProvider: scriptedProvider({ triage: triageModel, billing: billingModel }) });
    const result = await runner.run(triage, 'refund please');
    expect(result.finalOutput).toBe('refund issued');
    expect(result.lastAgent?.name).toBe('Billing Agent');
    expect(triageModel.requests[0]?.handoffs.map((h) => h.toolName)).toEqual(['transfer_to_Billing_Agent']);
    expect(result.newItems.map((i) => i.type)).toEqual([
      'message_output_item', 'handoff_call_item', 'handoff_output_item', 'message_output_item',
    ]);
    expect(billingModel.calls).toBe(1);
    // unnamed models adopt their provider key, so ids never collide across agents
    expect(result.history).toContainEqual(expect.objectContaining({ id: 'msg_triage_1' }));
    expect(result.history).toContainEqual(expect.objectContaining({ id: 'msg_billing_1' }));
  });

  it('combines several calls into one response', async () => {
    addCalls.length = 0;
    const model = new ScriptedModel([combine(callTool('add', { a: 1, b: 1 }), callTool('add', { a: 2, b: 2 })), say('2 and 4')]);
    const result = await new Runner().run(new Agent({ name: 'calc', model, tools: [add] }), 'sums');
    expect(result.finalOutput).toBe('2 and 4');
    expect(addCalls).toHaveLength(2);
  });

  it('fails with a retryable ScriptedModelError and advises the SDK', async () => {
    const model = new ScriptedModel([fail('rate limited', { retryable: true })]);
    const err: unknown = await new Runner().run(new Agent({ name: 'a', model }), 'hi').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ScriptedModelError);
    expect(err).toMatchObject({ retryable: true, code: 'SCRIPTED_MODEL_FAILURE' });
    const advice = model.getRetryAdvice({ error: err, request: model.requests[0]!, stream: false, attempt: 1 });
    expect(advice).toEqual({ suggested: true, replaySafety: 'safe' });
  });

  it('retries through the SDK retry policy after a retryable failure', async () => {
    const model = new ScriptedModel([fail(new Error('boom'), { retryable: true }), say('recovered')]);
    const agent = new Agent({
      name: 'a',
      model,
      modelSettings: { retry: { maxRetries: 1, backoff: { initialDelayMs: 1 }, policy: (c) => c.providerAdvice?.suggested ?? false } },
    });
    const result = await new Runner().run(agent, 'hi');
    expect(result.finalOutput).toBe('recovered');
    expect(model.calls).toBe(2);
  });

  it('streams, delays, and runs function scripts', async () => {
    const model = new ScriptedModel((req, i) => delay(5, say(`call ${i}: ${req.systemInstructions ?? ''}`)));
    const stream = await new Runner().run(new Agent({ name: 's', instructions: 'X', model }), 'hi', { stream: true });
    await stream.completed;
    expect(stream.finalOutput).toBe('call 0: X');
  });

  it('throws UnexpectedModelCallError past the end of the script, and ThrowingModel always does', async () => {
    const model = new ScriptedModel([handoffTo('nobody')]);
    const request: ModelRequest = { input: 'x', modelSettings: {}, tools: [], handoffs: [], outputType: 'text', tracing: false };
    const first = await model.getResponse(request);
    expect(first.output).toEqual([expect.objectContaining({ type: 'function_call', name: 'transfer_to_nobody', callId: 'call_scripted_1' })]);
    expect(model.remaining).toBe(0);
    await expect(model.getResponse(request)).rejects.toThrow(/got call #2 but its script has 1 turn/);
    await expect(model.getResponse(request)).rejects.toBeInstanceOf(UnexpectedModelCallError);
    const throwing = new ThrowingModel();
    await expect(new Runner({ modelProvider: throwing }).run(new Agent({ name: 'r' }), 'hi')).rejects.toBeInstanceOf(UnexpectedModelCallError);
    expect(throwing.calls).toBe(1);
  });
});
