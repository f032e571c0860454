import { afterEach, describe, expect, it } from 'vitest';
import { createWorkflow, isDelta, WorkflowEngine, type ModelDelta, type RecordedEvent, type StreamItem } from '../../../src/index.js';
import { OfflineModel } from '../../../src/models/offline/index.js';
import { createMemoryStore, handoffTo, say, sayAndHandoff } from '../../../src/testing/index.js';
import { byInstructions, startOpenAIStub, type OpenAIStub } from '../../support/openaiStub.js';
import { runEvents } from '../../support/runs.js';

const KEY = 'sk-test-secret-key-0123456789';
let stub: OpenAIStub | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

/** The assistant text of a recorded ModelResponded. */
function respondedText(e: RecordedEvent): string {
  const output = (e.data as { response: { output: Array<{ type: string; content?: Array<{ type: string; text?: string }> }> } }).response.output;
  return output.flatMap((o) => (o.type === 'message' ? (o.content ?? []).filter((c) => c.type === 'output_text').map((c) => c.text ?? '') : [])).join('');
}

/** The function-call arguments of a recorded ModelResponded, by tool call id. */
function respondedArguments(e: RecordedEvent): Record<string, string> {
  const output = (e.data as { response: { output: Array<{ type: string; callId?: string; arguments?: string }> } }).response.output;
  return Object.fromEntries(output.flatMap((o) => (o.type === 'function_call' ? [[o.callId ?? '', o.arguments ?? '']] : [])));
}

/** Per call (and tool call) channel: the deltas' text joined, checking offsets leave no hole and no overlap. */
function joined(deltas: readonly ModelDelta[]): Map<string, string> {
  const texts = new Map<string, string>();
  for (const d of deltas) {
    const key = `${d.callId}|${d.toolCall?.id ?? ''}`;
    const have = d.snapshot ? '' : (texts.get(key) ?? '');
    expect(d.index).toBe(have.length);
    texts.set(key, have + d.text);
  }
  return texts;
}

/** Check the stream's order: each call's deltas come after its ModelCalled and before its answer. */
function checkOrder(items: readonly StreamItem[]): void {
  const open = new Set<string>();
  for (const item of items) {
    if (isDelta(item)) expect(open.has(item.callId), `delta of ${item.callId} outside its call`).toBe(true);
    else if (item.type === 'ModelCalled') open.add((item.data as { callId: string }).callId);
    else if (item.type === 'ModelResponded' || item.type === 'ModelFailed') open.delete((item.data as { callId: string }).callId);
  }
}

describe('engine.stream', () => {
  it('yields recorded events and, inside each model call, the deltas that make up its recorded output (offline model)', async () => {
    const store = createMemoryStore();
    const engine = new WorkflowEngine({ store, modelResolver: (_n, a) => new OfflineModel({ role: a.type, latencyMs: 200, env: {} }) });
    const runId = await engine.start(createWorkflow('content_generation'), 'Generate content about tides');
    const items: StreamItem[] = [];
    for await (const item of engine.stream(runId)) items.push(item);
    checkOrder(items);
    const deltas = items.filter(isDelta);
    const events = await runEvents(store, runId);
    expect(items.filter((i) => !isDelta(i))).toEqual(events);
    const responded = events.filter((e) => e.type === 'ModelResponded');
    expect(responded.length).toBe(3);
    const texts = joined(deltas);
    for (const e of responded) {
      const callId = (e.data as { callId: string }).callId;
      expect(texts.get(`${callId}|`)).toBe(respondedText(e));
      // word chunks: many deltas per call
      expect(deltas.filter((d) => d.callId === callId).length).toBeGreaterThan(5);
    }
    expect(deltas.every((d) => d.runId === runId && d.agentId !== '' && d.stepId !== '')).toBe(true);
    // Nothing of the deltas is stored.
    expect(events.some((e) => (e.type) === 'delta')).toBe(false);
    const replay = await engine.replay(runId);
    expect(replay.match).toBe(true);
  });

  it('starts a reader that arrives mid-call with one snapshot delta holding the text so far', async () => {
    const store = createMemoryStore();
    const engine = new WorkflowEngine({ store, modelResolver: (_n, a) => new OfflineModel({ role: a.type, latencyMs: 1500, env: {} }) });
    const runId = await engine.start(createWorkflow(['research']), 'Generate content about tides');
    // Wait until the first deltas are out, then start reading.
    const first = engine.stream(runId);
    for await (const item of first) if (isDelta(item)) break;
    await new Promise((r) => setTimeout(r, 300));
    const items: StreamItem[] = [];
    for await (const item of engine.stream(runId)) items.push(item);
    const deltas = items.filter(isDelta);
    expect(deltas[0]?.snapshot).toBe(true);
    expect(deltas[0]?.text.length).toBeGreaterThan(0);
    expect(deltas.slice(1).every((d) => d.snapshot === undefined)).toBe(true);
    const responded = (await runEvents(store, runId)).find((e) => e.type === 'ModelResponded')!;
    expect(joined(deltas).get(`${(responded.data as { callId: string }).callId}|`)).toBe(respondedText(responded));
  });
});

describe.each(['responses', 'chat_completions'] as const)('streamed calls over the %s API', (api) => {
  it('publishes text and tool-argument deltas through onDelta that join to the recorded response', async () => {
    const article = 'Tides rise and fall twice a day, pulled by the moon and, less strongly, by the sun. '.repeat(4).trim();
    stub = await startOpenAIStub({
      streaming: { wordsPerChunk: 2, argumentChars: 3, delayMs: 5 },
      responses: byInstructions({
        'You are a triage orchestrator': [handoffTo('research')],
        'You are a meticulous research analyst': [sayAndHandoff('Findings: tides follow the moon, and the sun helps a little.', 'writer')],
        'You are a skilled writer': [say(article)],
      }),
    });
    const store = createMemoryStore();
    const engine = new WorkflowEngine({ store, model: 'gpt-4.1-mini', env: { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: stub.baseURL, AIGEN_OPENAI_API: api } });
    const deltas: ModelDelta[] = [];
    const result = await engine.execute(createWorkflow('dynamic_content'), undefined, 'Research and write about tides', { onDelta: (d) => deltas.push(d) });
    expect(result).toMatchObject({ status: 'completed', result: article });
    expect(stub.requests.filter((r) => r.api !== undefined).every((r) => r.stream)).toBe(true);
    const events = await runEvents(store, result.runId);
    const texts = joined(deltas);
    for (const e of events.filter((x) => x.type === 'ModelResponded')) {
      const callId = (e.data as { callId: string }).callId;
      expect(texts.get(`${callId}|`) ?? '').toBe(respondedText(e));
      for (const [toolCallId, args] of Object.entries(respondedArguments(e))) expect(texts.get(`${callId}|${toolCallId}`)).toBe(args);
    }
    expect(deltas.filter((d) => !d.toolCall && d.agentId === 'writer').length).toBeGreaterThan(10);
    expect(deltas.some((d) => d.toolCall)).toBe(true);
    expect(JSON.stringify(events)).not.toContain('"delta"');
    expect((await engine.replay(result.runId)).match).toBe(true);
  });
});
