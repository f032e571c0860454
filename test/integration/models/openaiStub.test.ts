import { Agent, OpenAIProvider, Runner, setTracingDisabled, tool } from '@openai/agents';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { callTool, combine, delay, fail, handoffTo, say } from '../../../src/testing/scriptedModel.js';
import { byInstructions, startOpenAIStub, type OpenAIStub, type StubScript } from '../../support/openaiStub.js';

beforeAll(() => setTracingDisabled(true));

let stub: OpenAIStub | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

async function runnerFor(responses: StubScript, useResponses: boolean): Promise<{ runner: Runner; stub: OpenAIStub }> {
  stub = await startOpenAIStub({ responses });
  const modelProvider = new OpenAIProvider({ apiKey: 'sk-test-123', baseURL: stub.baseURL, useResponses });
  return { runner: new Runner({ modelProvider, tracingDisabled: true }), stub };
}

function weatherTool(seen: string[]) {
  return tool({
    name: 'get_weather',
    description: 'Weather for a city',
    parameters: z.object({ city: z.string() }),
    execute: ({ city }) => {
      seen.push(city);
      return `sunny in ${city}`;
    },
  });
}

const MODEL = 'gpt-4.1-mini';

/** Run to completion, draining the event stream when streaming. */
async function runAgent(runner: Runner, agent: Agent, input: string, stream: boolean) {
  if (!stream) return runner.run(agent, input);
  const result = await runner.run(agent, input, { stream: true });
  for await (const _event of result.toStream()) { /* drain */ }
  await result.completed;
  return result;
}

describe.each([
  { api: 'responses', useResponses: true, path: '/v1/responses' },
  { api: 'chat', useResponses: false, path: '/v1/chat/completions' },
] as const)('OpenAI stub via the real SDK ($api)', ({ api, useResponses, path }) => {
  describe.each([false, true])('stream=%s', (stream) => {
    it('runs a function tool then answers', async () => {
      const seen: string[] = [];
      const { runner, stub } = await runnerFor([callTool('get_weather', { city: 'Oslo' }), say('It is sunny in Oslo.')], useResponses);
      const agent = new Agent({ name: 'weather', instructions: 'You report weather.', model: MODEL, tools: [weatherTool(seen)] });
      const result = await runAgent(runner, agent, 'Weather in Oslo?', stream);
      expect(result.finalOutput).toBe('It is sunny in Oslo.');
      expect(seen).toEqual(['Oslo']);
      expect(stub.requests.map((r) => [r.path, r.api, r.stream])).toEqual([[path, api, stream], [path, api, stream]]);
      for (const r of stub.requests) expect(r.headers.authorization).toBe('Bearer sk-test-123');
      expect(stub.requests[0]?.instructions).toBe('You report weather.');
      expect(stub.requests[0]?.body.model).toBe(MODEL);
      const second = JSON.stringify(stub.requests[1]?.body);
      expect(second).toContain('sunny in Oslo');
      expect(second).toContain('call_stub_1_1');
      expect(result.state.usage.totalTokens).toBe(30);
    });

    it('hands off from triage to billing', async () => {
      const { runner, stub } = await runnerFor(byInstructions({
        'You triage': [handoffTo('Billing Agent')],
        'You bill': [say('Refund issued.')],
      }), useResponses);
      const billing = new Agent({ name: 'Billing Agent', instructions: 'You bill customers.', model: MODEL });
      const triage = new Agent({ name: 'triage', instructions: 'You triage requests.', model: MODEL, handoffs: [billing] });
      const result = await runAgent(runner, triage, 'I want a refund', stream);
      expect(result.finalOutput).toBe('Refund issued.');
      expect(result.lastAgent?.name).toBe('Billing Agent');
      expect(result.newItems.map((i) => i.type)).toEqual(['handoff_call_item', 'handoff_output_item', 'message_output_item']);
      expect(stub.requests.map((r) => r.instructions)).toEqual(['You triage requests.', 'You bill customers.']);
      expect(JSON.stringify(stub.requests[0]?.body.tools)).toContain('transfer_to_Billing_Agent');
    });
  });

  it('runs several tool calls from one response', async () => {
    const seen: string[] = [];
    const { runner } = await runnerFor([combine(callTool('get_weather', { city: 'A' }), callTool('get_weather', { city: 'B' })), say('done')], useResponses);
    const result = await runner.run(new Agent({ name: 'w', model: MODEL, tools: [weatherTool(seen)] }), 'two cities');
    expect(result.finalOutput).toBe('done');
    expect(seen.sort()).toEqual(['A', 'B']);
  });

  it('surfaces a scripted failure as an OpenAI API error', async () => {
    const { runner, stub } = await runnerFor([fail('bad request', { retryable: false })], useResponses);
    await expect(runner.run(new Agent({ name: 'x', model: MODEL }), 'hi')).rejects.toMatchObject({ status: 400, message: expect.stringContaining('bad request') as unknown });
    expect(stub.requests).toHaveLength(1);
  });

  it('lets the openai client retry a retryable failure (x-should-retry: true)', async () => {
    const { runner, stub } = await runnerFor([delay(5, fail('overloaded', { retryable: true })), say('recovered')], useResponses);
    const result = await runner.run(new Agent({ name: 'x', model: MODEL }), 'hi');
    expect(result.finalOutput).toBe('recovered');
    expect(stub.requests).toHaveLength(2);
  });
});

describe('OpenAI stub HTTP surface', () => {
  it('answers unknown paths with an OpenAI-style 404 and records them', async () => {
    stub = await startOpenAIStub({ responses: [] });
    const res = await fetch(`${stub.baseURL}/embeddings`, { method: 'POST', body: '{}', headers: { authorization: 'Bearer k' } });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { message: 'Invalid URL (POST /v1/embeddings)', type: 'invalid_request_error', param: null, code: null } });
    expect(stub.requests[0]).toMatchObject({ index: -1, path: '/v1/embeddings', api: undefined, headers: { authorization: 'Bearer k' } });
  });

  it('returns 500 when the script runs out', async () => {
    stub = await startOpenAIStub({ responses: [] });
    const res = await fetch(`${stub.baseURL}/responses`, { method: 'POST', body: JSON.stringify({ model: 'm', input: 'hi' }) });
    expect(res.status).toBe(500);
    expect(res.headers.get('x-should-retry')).toBe('false');
  });
});
