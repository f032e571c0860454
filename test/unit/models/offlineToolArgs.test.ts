import type { AgentInputItem, AgentOutputItem, ModelRequest, SerializedTool } from '@openai/agents';
import { describe, expect, it } from 'vitest';
import { OfflineModel } from '../../../src/models/offline/index.js';

/** The arguments the offline model gives a tool, by the parameters' names and JSON Schema types. */

type FunctionTool = Extract<SerializedTool, { type: 'function' }>;

function fn(name: string, properties: Record<string, unknown>, required = Object.keys(properties)): FunctionTool {
  return { type: 'function', name, description: `tool ${name}`, parameters: { type: 'object', properties, required, additionalProperties: false } as FunctionTool['parameters'], strict: false };
}

function request(input: ModelRequest['input'], tools: SerializedTool[], systemInstructions?: string): ModelRequest {
  return { input, tools, handoffs: [], outputType: 'text', modelSettings: {}, tracing: false, ...(systemInstructions ? { systemInstructions } : {}) };
}

async function argsFor(tool: FunctionTool, input: string): Promise<unknown> {
  const { output } = await new OfflineModel({ env: {} }).getResponse(request(input, [tool]));
  const call = output.find((o): o is Extract<AgentOutputItem, { type: 'function_call' }> => o.type === 'function_call');
  expect(call?.name).toBe(tool.name);
  return JSON.parse(call!.arguments);
}

async function answerAfter(tool: FunctionTool, input: string, result: string, role?: string, instructions?: string): Promise<string> {
  const model = new OfflineModel({ env: {}, ...(role ? { role } : {}) });
  const first = await model.getResponse(request(input, [tool], instructions));
  const call = first.output[0] as Extract<AgentOutputItem, { type: 'function_call' }>;
  const items: AgentInputItem[] = [
    { role: 'user', content: input },
    call,
    { type: 'function_call_result', callId: call.callId, name: tool.name, status: 'completed', output: { type: 'text', text: result } },
  ];
  const { output } = await model.getResponse(request(items, [tool], instructions));
  return output.map((o) => (o.type === 'message' && o.role === 'assistant' ? o.content.map((c) => (c.type === 'output_text' ? c.text : '')).join('') : '')).join('');
}

describe('tool arguments read from the request', () => {
  it('reads origin and destination, a multi-word place, a written date in a date format, and a count', async () => {
    const trip = fn('plan_trip', {
      origin: { type: 'string' },
      destination: { type: 'string' },
      departureDate: { type: 'string', format: 'date' },
      passengers: { type: 'integer', minimum: 1, maximum: 9 },
    });
    expect(await argsFor(trip, 'Two tickets from Paris to Rio de Janeiro on December 24, 2026')).toEqual({
      origin: 'Paris',
      destination: 'Rio de Janeiro',
      departureDate: '2026-12-24',
      passengers: 2,
    });
  });

  it('numbers by the word next to them; booleans the request names, negated ones false', async () => {
    const hotel = fn('book_hotel', {
      city: { type: 'string' },
      nights: { type: 'integer' },
      guests: { type: 'integer' },
      breakfast: { type: 'boolean' },
      pets: { type: 'boolean' },
    });
    expect(await argsFor(hotel, 'A hotel in Rome with breakfast, no pets: 2 guests for 3 nights')).toEqual({ city: 'Rome', nights: 3, guests: 2, breakfast: true, pets: false });
  });

  it('an integer order id, an amount in euros, an e-mail address; a number outside the bounds is clamped', async () => {
    const refund = fn('refund', { orderId: { type: 'integer' }, amount: { type: 'number', maximum: 20 }, email: { type: 'string', format: 'email' } });
    expect(await argsFor(refund, 'Refund 25 EUR on order 1234 and write to ann@example.com')).toEqual({ orderId: 1234, amount: 20, email: 'ann@example.com' });
  });

  it('an optional parameter only when the request names it; a nullable one null when it does not', async () => {
    const remind = fn('remind', { who: { type: 'string' }, date: { type: ['string', 'null'] }, time: { type: 'string' } }, ['who', 'date']);
    expect(await argsFor(remind, 'Remind Alice about the dentist')).toEqual({ who: 'Alice', date: null });
    expect(await argsFor(remind, 'Remind Alice about the dentist tomorrow at 3pm')).toEqual({ who: 'Alice', date: 'tomorrow', time: '15:00' });
  });

  it('a string with a pattern takes the token of the request that matches it; a plain string a short phrase, never the whole request', async () => {
    const ticket = fn('open_ticket', { code: { type: 'string', pattern: '^[A-Z]{3}-\\d{3}$' }, topic: { type: 'string' }, item: { type: 'string' } });
    const args = (await argsFor(ticket, 'Book me a seat: the ref is XKZ-204 for the flight to Lyon on 2026-12-24')) as Record<string, string>;
    expect(args.code).toBe('XKZ-204');
    expect(args.item).toBe('Lyon');
    const only = (await argsFor(fn('note', { label: { type: 'string' } }), 'book me a table for dinner on 2026-12-24')) as { label: string };
    expect(only.label).toBe('a table for dinner');
  });

  it('an enum value is never read as a place; a list of places gets each one named', async () => {
    const weather = fn('weather', { cities: { type: 'array', items: { type: 'string' } }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } });
    expect(await argsFor(weather, 'Compare the weather in Paris, Berlin and Madrid in Fahrenheit')).toEqual({ cities: ['Paris', 'Berlin', 'Madrid'], unit: 'fahrenheit' });
  });
});

describe('the answer after the tool', () => {
  const lookup = fn('lookup', { query: { type: 'string' } });

  it('a generic assistant answers with the result, a JSON result rendered compactly', async () => {
    const text = await answerAfter(lookup, 'Find the opening hours of the Louvre', JSON.stringify({ open: '09:00', close: '18:00', days: ['Mon', 'Wed'], extra: { late: 'Fri' } }));
    expect(text).toBe('The `lookup` tool (query: the opening hours of the Louvre) returned: open: 09:00, close: 18:00, days: Mon, Wed, extra: (late: Fri).');
  });

  it('formal and bulleted styles keep the result word for word', async () => {
    const text = await answerAfter(lookup, 'the history of tea', "It's 5,000 years old. Don't forget China.", 'research', 'Be formal and use bullet points.');
    expect(text).toContain("returned: It's 5,000 years old. Don't forget China.");
    expect(text.split('\n').filter((l) => l.startsWith('- ')).length).toBeGreaterThanOrEqual(2);
  });

  it('a call rejected after its approval timed out says so in a sentence', async () => {
    const rejection = JSON.stringify({ status: 'rejected', tool: 'lookup', reason: 'the approval timed out', note: 'The call was not approved, so the tool did not run.' });
    expect(await answerAfter(lookup, 'tea prices', rejection)).toBe('The call to `lookup` was rejected: the approval timed out, so the tool did not run.');
  });
});
