import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../src/server/index.js';
import { collect, cuttingFetch, withHeaders, type Received } from './sseClient.js';
import { post, runEvents, startRun, startTestServer, type TestServer } from './helpers.js';

let t: TestServer;
let server: RunningServer;

beforeAll(async () => {
  t = await startTestServer({ latencyMs: 120 });
  server = await t.listen();
});
afterAll(() => t.close());

describe('SSE of one run', () => {
  it('streams catch-up then live: id = global position, event = type, data = the event; ends after the terminal event', async () => {
    const runId = await startRun(t.app);
    const got = await collect(`${server.url}/api/runs/${runId}/events`);
    const stored = await runEvents(t.store, runId);
    expect(got.at(-1)?.type).toBe('end');
    const events = got.slice(0, -1);
    expect(events.map((m) => m.id)).toEqual(stored.map((e) => e.globalPosition));
    expect(events.map((m) => m.type)).toEqual(stored.map((e) => e.type));
    expect(events.map((m) => m.data.streamPosition)).toEqual(stored.map((e) => e.streamPosition));
    expect(events[0]?.data).toMatchObject({ type: 'RunStarted', globalPosition: stored[0]!.globalPosition });
  });

  it('a dropped connection resumes with Last-Event-ID: no gap, no duplicate', async () => {
    const runId = await startRun(t.app);
    const requests: Array<Record<string, string>> = [];
    const got = await collect(`${server.url}/api/runs/${runId}/events`, { fetch: cuttingFetch(4, requests) });
    const stored = await runEvents(t.store, runId);
    const ids = got.filter((m) => m.type !== 'end').map((m) => m.id);
    expect(requests.length).toBeGreaterThanOrEqual(2);
    expect(requests[0]!['Last-Event-ID']).toBeUndefined();
    expect(requests[1]!['Last-Event-ID']).toBe(stored[3]!.globalPosition);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(stored.map((e) => e.globalPosition));
    // The cut happened while the run was still going: events after it were live, not replayed.
    expect(stored.length).toBeGreaterThan(10);
  });

  it('Last-Event-ID sent by a new client and ?from= both mean "after this position"', async () => {
    const runId = await startRun(t.app);
    await t.engine.wait(runId);
    const stored = await runEvents(t.store, runId);
    const fromHeader = await collect(`${server.url}/api/runs/${runId}/events`, { fetch: withHeaders({ 'Last-Event-ID': stored[9]!.globalPosition }) });
    expect(fromHeader.filter((m) => m.type !== 'end').map((m) => m.data.streamPosition)).toEqual(stored.slice(10).map((e) => e.streamPosition));
    const fromQuery = await collect(`${server.url}/api/runs/${runId}/events?from=${stored[19]!.globalPosition}`);
    expect(fromQuery.filter((m) => m.type !== 'end').map((m) => m.data.streamPosition)).toEqual(stored.slice(20).map((e) => e.streamPosition));
    const afterEnd = await collect(`${server.url}/api/runs/${runId}/events`, { fetch: withHeaders({ 'Last-Event-ID': stored.at(-1)!.globalPosition }) });
    expect(afterEnd.map((m) => m.type)).toEqual(['end']);
  });

  it('a malformed Last-Event-ID is a 400', async () => {
    const runId = await startRun(t.app);
    const res = await fetch(`${server.url}/api/runs/${runId}/events`, { headers: { Accept: 'text/event-stream', 'Last-Event-ID': 'not a position!' } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { path: string } }).error.path).toBe('header');
  });

  it('a Last-Event-ID that is no position of the store (negative, non-numeric, garbage) is a 400 JSON error', async () => {
    const runId = await startRun(t.app);
    await t.engine.wait(runId);
    const sse = { Accept: 'text/event-stream' };
    for (const id of ['-1', 'abc', '1.5', '0x10', '12abc', 'start-', '1:2', ':']) {
      for (const path of [`/api/runs/${runId}/events`, '/api/events']) {
        const res = await fetch(`${server.url}${path}`, { headers: { ...sse, 'Last-Event-ID': id } });
        expect(res.status, `${path} ${id}`).toBe(400);
        expect(res.headers.get('content-type')).toMatch(/application\/json/);
        const body = (await res.json()) as { error: { code: string; path: string; message: string } };
        expect(body.error).toMatchObject({ code: 'VALIDATION_FAILED', path: 'header' });
        expect(body.error.message).toMatch(/Last-Event-ID/);
      }
    }
    const query = await fetch(`${server.url}/api/runs/${runId}/events?from=-5`, { headers: sse });
    expect(query.status).toBe(400);
    expect(((await query.json()) as { error: { path: string } }).error.path).toBe('query.from');
  });

  it('a Last-Event-ID past the end of a finished run ends the stream at once', async () => {
    const first = await startRun(t.app);
    await t.engine.wait(first);
    const second = await startRun(t.app);
    await t.engine.wait(second);
    const head = (await t.store.headPosition())!;
    const firstEnd = (await runEvents(t.store, first)).at(-1)!;
    // Positions after the first run's terminal event: another run's event, the store's head, and beyond.
    for (const id of [(await runEvents(t.store, second))[0]!.globalPosition, head, String(Number(head) + 1000)]) {
      const got = await collect(`${server.url}/api/runs/${first}/events`, { fetch: withHeaders({ 'Last-Event-ID': id }), timeoutMs: 5000 });
      expect(got.map((m) => m.type), id).toEqual(['end']);
    }
    // Just before the terminal event: the terminal event, then the end.
    const before = (await runEvents(t.store, first)).at(-2)!.globalPosition;
    const tail = await collect(`${server.url}/api/runs/${first}/events`, { fetch: withHeaders({ 'Last-Event-ID': before }), timeoutMs: 5000 });
    expect(tail.map((m) => m.type)).toEqual([firstEnd.type, 'end']);
  });
});

describe('SSE of all runs', () => {
  it('GET /api/events streams every run from now on, optionally only some types', async () => {
    const ids: string[] = [];
    const ended = (m: Received[]) => ids.length === 2 && ids.every((id) => m.some((x) => x.type === 'RunCompleted' && x.data.streamId === `run-${id}`));
    const all = collect(`${server.url}/api/events`, { until: ended });
    const started = collect(`${server.url}/api/events?types=RunStarted`, { until: (m) => ids.length === 2 && ids.every((id) => m.some((x) => x.data.streamId === `run-${id}`)) });
    await new Promise((r) => setTimeout(r, 300));
    ids.push(await startRun(t.app), await startRun(t.app, 'research,writer', 'Rivers'));
    const got = (await all).filter((m) => ids.some((id) => m.data.streamId === `run-${id}`));
    for (const id of ids) {
      const stored = await runEvents(t.store, id);
      expect(got.filter((m) => m.data.streamId === `run-${id}`).map((m) => m.id)).toEqual(stored.map((e) => e.globalPosition));
    }
    const firsts = await started;
    expect(new Set(firsts.map((m) => m.type))).toEqual(new Set(['RunStarted']));
    expect(firsts.map((m) => m.data.streamId)).toEqual(expect.arrayContaining(ids.map((id) => `run-${id}`)));
  });

  it('GET /api/runs with Accept: text/event-stream streams changed runs-list rows', async () => {
    let runId = '';
    const rows = collect(`${server.url}/api/runs`, { until: (m) => m.some((x) => x.type === 'run' && x.data.runId === runId && x.data.status === 'completed') });
    await new Promise((r) => setTimeout(r, 300));
    const res = await post(t.app, '/api/runs', { workflow: 'research', input: 'Lakes' });
    runId = ((await res.json()) as { runId: string }).runId;
    const got = await rows;
    expect(got.filter((m) => m.data.runId === runId).map((m) => m.data.status)).toContain('completed');
  });
});
