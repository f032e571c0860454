import { Agent, tool, type Tool } from '@openai/agents';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Catalog, createAgent, DeterministicWorkflow, WorkflowEngine, type AigenAgent } from '../../../src/index.js';
import { createMemoryStore } from '../../../src/testing/index.js';
import { dataOf, runEvents } from '../../support/runs.js';

/*
 * A user's own tools (the SDK's tool() with a zod schema) on the offline model: the call's
 * arguments are read from the request by the parameters' names and types, and the answer quotes
 * the tool's result, whatever the agent's style instructions ask.
 */

const getWeather = tool({
  name: 'get_weather',
  description: 'The weather in a city',
  parameters: z.object({ city: z.string() }),
  execute: ({ city }) => `${city}: sunny, 21 °C`,
});

const bookTrain = tool({
  name: 'book_train',
  description: 'Book a train ticket',
  parameters: z.object({ destination: z.string(), date: z.string() }),
  execute: ({ destination, date }) => JSON.stringify({ booking: 'BK-7', destination, date, seats: [12, 13] }),
});

const forecast = tool({
  name: 'forecast',
  description: 'Temperature forecast',
  parameters: z.object({ city: z.string(), unit: z.enum(['celsius', 'fahrenheit']), days: z.number().int().min(1).max(7) }),
  execute: ({ city, unit, days }) => `${city}: ${unit === 'fahrenheit' ? '70 °F' : '21 °C'} for ${days} days`,
});

const refundTool = (needsApproval: boolean) =>
  tool({
    name: 'refund',
    description: 'Refund an order',
    parameters: z.object({ orderId: z.string(), amount: z.number() }),
    needsApproval,
    execute: ({ orderId, amount }) => `Refunded ${amount} on ${orderId}`,
  });

/** Runs one agent on the offline model (the engine's default) and reads back what was recorded. */
async function runOne(agent: AigenAgent, input: string) {
  const store = createMemoryStore();
  const engine = new WorkflowEngine({ store, maxRetries: 0 });
  const r = await engine.execute(new DeterministicWorkflow({ name: 'desk', agents: [agent] }), undefined, input);
  expect(r.status).toBe('completed');
  const events = await runEvents(store, r.runId);
  return {
    output: String(r.result),
    calls: dataOf<{ tool: string; arguments: string }>(events, 'ToolCalled').map((c) => [c.tool, JSON.parse(c.arguments) as unknown]),
    returned: dataOf<{ output: string }>(events, 'ToolReturned').map((t) => t.output),
  };
}

/** A plain SDK Agent (no aigen agent type: the offline model plays a generic assistant). */
const sdkAgent = (name: string, instructions: string, tools: Tool[]) => createAgent(new Agent({ name, instructions, tools }));

describe('the offline model with a user tool', () => {
  it('get_weather({city}): the city named in the request, and an answer that quotes the result', async () => {
    const { calls, returned, output } = await runOne(sdkAgent('Weather', 'You answer weather questions.', [getWeather]), 'What is the weather in Paris?');
    expect(calls).toEqual([['get_weather', { city: 'Paris' }]]);
    expect(returned).toEqual(['Paris: sunny, 21 °C']);
    expect(output).toBe('The `get_weather` tool (city: Paris) returned: Paris: sunny, 21 °C.');
  });

  it('book_train({destination, date}): the place after "to" and the ISO date, the same every time; a JSON result is quoted compactly', async () => {
    const run = () => runOne(sdkAgent('Travel', 'You are a travel agent.', [bookTrain]), 'Book me a train to Lyon on 2026-12-24');
    const { calls, output } = await run();
    expect(calls).toEqual([['book_train', { destination: 'Lyon', date: '2026-12-24' }]]);
    expect(output).toContain('booking: BK-7, destination: Lyon, date: 2026-12-24, seats: 12, 13');
    expect(output).not.toContain('{');
    expect(output).not.toContain('Book me a train');
    // Deterministic: the same request again, the same call and answer.
    expect(await run()).toEqual({ calls, output, returned: expect.any(Array) });
  });

  it('a date like "tomorrow" is passed as written; a place in lower case still reads as the city', async () => {
    const { calls } = await runOne(sdkAgent('Travel', 'You are a travel agent.', [bookTrain]), 'I need a train to lyon tomorrow morning');
    expect(calls).toEqual([['book_train', { destination: 'Lyon', date: 'tomorrow morning' }]]);
  });

  it('refund({orderId, amount}): the order id and the amount ("$40" → 40)', async () => {
    const { calls, returned } = await runOne(sdkAgent('Desk', 'You help customers with their orders.', [refundTool(false)]), 'Please refund order #A1001, $40: it arrived broken');
    expect(calls).toEqual([['refund', { orderId: 'A1001', amount: 40 }]]);
    expect(returned).toEqual(['Refunded 40 on A1001']);
  });

  it('an enum takes the value the request mentions, else its first; a bounded integer the number named', async () => {
    const agent = () => sdkAgent('Weather', 'You answer weather questions.', [forecast]);
    const mentioned = await runOne(agent(), 'Forecast for Oslo in Fahrenheit for the next 3 days');
    expect(mentioned.calls).toEqual([['forecast', { city: 'Oslo', unit: 'fahrenheit', days: 3 }]]);
    expect(mentioned.output).toContain('Oslo: 70 °F for 3 days');
    const unnamed = await runOne(agent(), 'Forecast for Oslo');
    expect(unnamed.calls).toEqual([['forecast', { city: 'Oslo', unit: 'celsius', days: 1 }]]);
  });

  it('a writer asked a question gives the result as its short answer, and "one paragraph" keeps it', async () => {
    const plain = await runOne(createAgent('writer', { tools: [getWeather] }), 'What is the weather in Paris?');
    expect(plain.output).toContain('Short answer: The `get_weather` tool (city: Paris) returned: Paris: sunny, 21 °C.');
    const paragraph = await runOne(createAgent('writer', { tools: [getWeather], instructions: 'Answer in one paragraph.' }), 'What is the weather in Paris?');
    expect(paragraph.calls).toEqual([['get_weather', { city: 'Paris' }]]);
    expect(paragraph.output).toContain('Paris: sunny, 21 °C');
    expect(paragraph.output.replace(/^#.*\n\n/, '')).not.toMatch(/\n\s*\n/);
  });

  it('length limits and bullets keep the result: a writer article cut to 12 words, a bulleted one, a terse researcher', async () => {
    const words = await runOne(createAgent('writer', { tools: [getWeather], instructions: 'No more than 12 words.' }), 'Write about the weather in Rome');
    expect(words.output).toContain('Rome: sunny, 21 °C');
    const bullets = await runOne(createAgent('writer', { tools: [bookTrain], instructions: 'Write it as bullet points.' }), 'Write about a train trip to Lyon on 2026-12-24');
    expect(bullets.output).toContain('- The `book_train` tool (destination: Lyon, date: 2026-12-24) returned: booking: BK-7');
    const terse = await runOne(createAgent('research', { tools: [getWeather], instructions: 'Research tersely: at most two sentences.' }), 'the weather in Oslo');
    expect(terse.output).toContain('Oslo: sunny, 21 °C');
  });

  it('in a pipeline, the agent after the tool user keeps quoting the result under its style', async () => {
    const store = createMemoryStore();
    const engine = new WorkflowEngine({ store, maxRetries: 0 });
    const workflow = new DeterministicWorkflow({
      name: 'weather_article',
      agents: [sdkAgent('Weather', 'You answer weather questions.', [getWeather]), createAgent('writer', { instructions: 'Write one paragraph.' })],
    });
    const r = await engine.execute(workflow, undefined, 'What is the weather in Madrid?');
    expect(r.status).toBe('completed');
    expect(String(r.result)).toContain('Madrid: sunny, 21 °C');
  });
});

describe('a rejected call of a user tool', () => {
  it('answers with a plain sentence giving the reason, never the rejection as JSON; the tool never runs', async () => {
    const store = createMemoryStore();
    const workflow = () => new DeterministicWorkflow({ name: 'orders', agents: [sdkAgent('Desk', 'You help customers with their orders.', [refundTool(true)])] });
    const engine = new WorkflowEngine({ store, maxRetries: 0, catalog: new Catalog().registerWorkflow('orders', workflow, { description: 'orders' }) });
    const r = await engine.execute(workflow(), undefined, 'Please refund order #A1001, $40: it arrived broken');
    expect(r.status).toBe('waiting');
    expect(r.waitingFor).toEqual([expect.objectContaining({ kind: 'approval', name: 'refund', content: { orderId: 'A1001', amount: 40 } })]);
    const done = await (await engine.reject(r.runId, { by: 'bob', reason: 'outside the 30-day window' })).done!;
    expect(done.status).toBe('completed');
    expect(done.result).toBe('The call to `refund` was rejected by bob: outside the 30-day window, so the tool did not run.');
    expect(dataOf(await runEvents(store, r.runId), 'ToolCalled')).toEqual([]);
  });

  it('a writer with the tool says the same in its text, without the raw rejection', async () => {
    const store = createMemoryStore();
    const workflow = () => new DeterministicWorkflow({ name: 'letters', agents: [createAgent('writer', { tools: [refundTool(true)], instructions: 'Answer in one paragraph.' })] });
    const engine = new WorkflowEngine({ store, maxRetries: 0, catalog: new Catalog().registerWorkflow('letters', workflow, { description: 'letters' }) });
    const r = await engine.execute(workflow(), undefined, 'Refund order #B2002, $15 please');
    const done = await (await engine.reject(r.runId, { reason: 'no receipt' })).done!;
    expect(String(done.result)).toContain('The call to `refund` was rejected');
    expect(String(done.result)).toContain('no receipt, so the tool did not run.');
    expect(String(done.result)).not.toMatch(/"status"|\{/);
  });
});
