import { request as httpRequest, type IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../src/server/index.js';
import type { RecordedEvent } from '../../../src/events/envelope.js';
import { collect, cuttingFetch, type Received } from './sseClient.js';
import { runEvents, startRun, startTestServer, type TestServer } from './helpers.js';

let t: TestServer;
let server: RunningServer;

beforeAll(async () => {
  t = await startTestServer({ latencyMs: 1200 });
  server = await t.listen();
});
afterAll(() => t.close());

function respondedText(e: RecordedEvent): string {
  const output = (e.data as { response: { output: Array<{ type: string; content?: Array<{ type: string; text?: string }> }> } }).response.output;
  return output.flatMap((o) => (o.type === 'message' ? (o.content ?? []).map((c) => c.text ?? '') : [])).join('');
}

interface DeltaData { callId: string; text: string; index: number; snapshot?: boolean; toolCall?: unknown }

/** Apply received deltas as a client does (a snapshot replaces), checking every offset continues the text. */
function textsOf(messages: readonly Received[]): Map<string, string> {
  const texts = new Map<string, string>();
  for (const m of messages) {
    if (m.type !== 'delta') continue;
    const d = m.data as unknown as DeltaData;
    const have = d.snapshot ? '' : (texts.get(d.callId) ?? '');
    expect(d.index, `offset of a delta of ${d.callId}`).toBe(have.length);
    texts.set(d.callId, have + d.text);
  }
  return texts;
}

/** Every delta comes after its call's ModelCalled and before its ModelResponded. */
function expectDeltasInsideCalls(messages: readonly Received[]): void {
  const open = new Set<string>();
  for (const m of messages) {
    const callId = (m.data as { data?: { callId?: string } }).data?.callId;
    if (m.type === 'ModelCalled' && callId) open.add(callId);
    if ((m.type === 'ModelResponded' || m.type === 'ModelFailed') && callId) open.delete(callId);
    if (m.type === 'delta') expect(open.has((m.data as unknown as DeltaData).callId)).toBe(true);
  }
}

describe('SSE deltas', () => {
  it('sends deltas (event: delta, no id) between a call\'s ModelCalled and ModelResponded; they join to the recorded output', async () => {
    const runId = await startRun(t.app);
    const got = await collect(`${server.url}/api/runs/${runId}/events`, { deltas: true });
    const stored = await runEvents(t.store, runId);
    const durable = got.filter((m) => m.type !== 'delta' && m.type !== 'end');
    expect(durable.map((m) => m.id)).toEqual(stored.map((e) => e.globalPosition));
    expect(got.filter((m) => m.type === 'delta').length).toBeGreaterThan(20);
    expectDeltasInsideCalls(got);
    const texts = textsOf(got);
    const responded = stored.filter((e) => e.type === 'ModelResponded');
    expect(responded.length).toBe(3);
    for (const e of responded) expect(texts.get((e.data as { callId: string }).callId)).toBe(respondedText(e));
  });

  it('writes delta messages without an id line on the wire', async () => {
    const runId = await startRun(t.app, 'content_generation', 'Write about rivers');
    const res = await fetch(`${server.url}/api/runs/${runId}/events`, { headers: { Accept: 'text/event-stream' } });
    const body = await res.text();
    const blocks = body.split('\n\n');
    const deltas = blocks.filter((b) => /^event: delta$/m.test(b));
    expect(deltas.length).toBeGreaterThan(10);
    for (const b of deltas) expect(b).not.toMatch(/^id:/m);
    expect(blocks.filter((b) => /^event: ModelResponded$/m.test(b)).every((b) => /^id: /m.test(b))).toBe(true);
  });

  it('sends deltas on /api/events too', async () => {
    const gotP = collect(`${server.url}/api/events`, { deltas: true, until: (ms) => ms.some((m) => m.type === 'RunCompleted') });
    await new Promise((r) => setTimeout(r, 300));
    const runId = await startRun(t.app, 'content_generation', 'Write about deserts');
    const got = (await gotP).filter((m) => (m.data as { runId?: string; metadata?: { runId?: string } }).runId === runId || (m.data as { metadata?: { runId?: string } }).metadata?.runId === runId);
    expect(got.filter((m) => m.type === 'delta').length).toBeGreaterThan(10);
    expectDeltasInsideCalls(got);
    const stored = await runEvents(t.store, runId);
    const texts = textsOf(got);
    for (const e of stored.filter((x) => x.type === 'ModelResponded')) expect(texts.get((e.data as { callId: string }).callId)).toBe(respondedText(e));
  });

  it('a reader whose socket is paused does not hold the run back', async () => {
    const runId = await startRun(t.app, 'content_generation', 'Write about lakes');
    // A reader that connects and never reads a byte.
    const paused = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = httpRequest(`${server.url}/api/runs/${runId}/events`, { headers: { Accept: 'text/event-stream' } }, (res) => {
        res.pause();
        resolve(res);
      });
      req.on('error', reject);
      req.end();
    });
    try {
      const result = await t.engine.wait(runId);
      expect(result.status).toBe('completed');
      // The run ended while the reader still had not read a byte (sseBackpressure.test.ts checks
      // that what such a reader is owed stays bounded).
      expect(paused.readableFlowing).toBe(false);
    } finally {
      paused.destroy();
    }
  });
});

describe('SSE deltas across a reconnection', () => {
  // Calls long enough that the client's reconnection (after the 1 s retry delay) lands in the same call.
  const slow = {} as { t: TestServer; server: RunningServer };
  beforeAll(async () => {
    slow.t = await startTestServer({ latencyMs: 5000 });
    slow.server = await slow.t.listen();
  });
  afterAll(() => slow.t.close());

  it('a client cut mid-call reconnects with Last-Event-ID: a snapshot delta, then the rest; durable ids gap-free, never repeated', async () => {
    const runId = await startRun(slow.t.app, 'content_generation', 'Write about glaciers');
    const requests: Array<Record<string, string>> = [];
    // Cut the first connection after its fifth delta: in the middle of the first model call.
    const got = await collect(`${slow.server.url}/api/runs/${runId}/events`, { deltas: true, fetch: cuttingFetch(5, requests, (b) => /^event: delta$/m.test(b)) });
    const stored = await runEvents(slow.t.store, runId);
    expect(requests.length).toBeGreaterThanOrEqual(2);
    expect(requests[1]!['Last-Event-ID']).toBeDefined();
    const ids = got.filter((m) => m.type !== 'delta' && m.type !== 'end').map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(stored.map((e) => e.globalPosition));
    const deltas = got.filter((m) => m.type === 'delta').map((m) => m.data as unknown as DeltaData);
    // Five live deltas, then the reconnection's snapshot of the same call, then live again.
    expect(deltas.slice(0, 5).every((d) => !d.snapshot)).toBe(true);
    expect(deltas[5]).toMatchObject({ snapshot: true, callId: deltas[0]!.callId, index: 0 });
    expect(deltas[5]!.text.startsWith(deltas.slice(0, 5).map((d) => d.text).join(''))).toBe(true);
    expect(deltas.slice(6).every((d) => !d.snapshot)).toBe(true);
    expectDeltasInsideCalls(got);
    const texts = textsOf(got);
    for (const e of stored.filter((x) => x.type === 'ModelResponded')) expect(texts.get((e.data as { callId: string }).callId)).toBe(respondedText(e));
  });
});
