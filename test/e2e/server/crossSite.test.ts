import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../src/server/index.js';
import { eventually, json, runEvents, startRun, startTestServer, type TestServer } from './helpers.js';

type ErrorJson = { error: { code: string; message: string; path?: string } };

let t: TestServer;
let server: RunningServer;

beforeAll(async () => {
  t = await startTestServer();
  server = await t.listen();
});
afterAll(() => t.close());

type Sent = { status: number; code: string | undefined; type: string | null };

/** Send a request to `server`; resolves with status, JSON error code and content type. */
async function sendTo(server: RunningServer, path: string, init: RequestInit): Promise<Sent> {
  const res = await fetch(`${server.url}${path}`, init);
  const type = res.headers.get('content-type');
  const body = type?.includes('application/json') ? await json<Partial<ErrorJson>>(res) : undefined;
  return { status: res.status, code: body?.error?.code, type };
}

const send = (path: string, init: RequestInit): Promise<Sent> => sendTo(server, path, init);

describe('commands refuse what a browser sends cross-site without a preflight', () => {
  it('a cross-site form POST cannot cancel a run; the UI-style request can', async () => {
    const slow = await startTestServer({ latencyMs: 3000 });
    try {
      const own = await slow.listen();
      const runId = await startRun(slow.app);
      const cancel = (init: RequestInit) => sendTo(own, `/api/runs/${runId}/cancel`, { method: 'POST', ...init });
      const form = { 'Content-Type': 'application/x-www-form-urlencoded' };
      // What <form method=post action=…> or fetch(…, { mode: 'no-cors' }) on evil.example sends.
      expect(await cancel({ headers: { ...form, Origin: 'http://evil.example', 'Sec-Fetch-Site': 'cross-site' } })).toMatchObject({ status: 403, code: 'CROSS_SITE_REQUEST' });
      expect(await cancel({ headers: { ...form, Origin: 'http://evil.example' } })).toMatchObject({ status: 403, code: 'FOREIGN_ORIGIN' });
      expect(await cancel({ headers: { ...form, Origin: 'null' } })).toMatchObject({ status: 403, code: 'FOREIGN_ORIGIN' });
      expect(await cancel({ headers: { ...form, Origin: 'http://localhost:1' } })).toMatchObject({ status: 403, code: 'FOREIGN_ORIGIN' });
      // Without Origin (a non-browser client) the content type is still required, also for an empty body.
      expect(await cancel({ headers: form })).toMatchObject({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
      expect(await cancel({ headers: { 'Content-Type': 'text/plain' }, body: '{}' })).toMatchObject({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
      expect(await cancel({})).toMatchObject({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', type: expect.stringMatching(/application\/json/) as unknown });
      // A JSON request with a foreign Origin (it would need a preflight the server never approves) too.
      expect(await cancel({ headers: { 'Content-Type': 'application/json', Origin: 'https://evil.example' }, body: '{}' })).toMatchObject({ status: 403 });
      expect((await runEvents(slow.store, runId)).some((e) => e.type === 'RunCancelled')).toBe(false);

      // What web/api.js sends from the server's own page: same origin, JSON, empty body allowed.
      expect(await cancel({ headers: { 'Content-Type': 'application/json', Origin: own.url, 'Sec-Fetch-Site': 'same-origin' } })).toMatchObject({ status: 200 });
      expect((await runEvents(slow.store, runId)).filter((e) => e.type === 'RunCancelled')).toHaveLength(1);
    } finally {
      await slow.close();
    }
  });

  it('every state-changing route and method is guarded: nothing is started, forked or cancelled', async () => {
    const runId = await startRun(t.app);
    const before = (await t.store.headPosition()) ?? '';
    const routes: Array<[string, string, string]> = [
      ['POST', '/api/runs', JSON.stringify({ workflow: 'research', input: 'x' })],
      ['POST', `/api/runs/${runId}/fork`, JSON.stringify({ at: 0 })],
      ['POST', `/api/runs/${runId}/cancel`, ''],
      ['PUT', `/api/runs/${runId}`, '{}'],
      ['DELETE', `/api/runs/${runId}`, ''],
      ['PATCH', '/api/runs', '{}'],
    ];
    for (const [method, path, body] of routes) {
      const init = (headers: Record<string, string>): RequestInit => ({ method, headers, ...(body ? { body } : {}) });
      expect(await send(path, init({ 'Content-Type': 'text/plain' })), `${method} ${path}`).toMatchObject({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
      expect(await send(path, init({ 'Content-Type': 'multipart/form-data; boundary=x' })), `${method} ${path}`).toMatchObject({ status: 415 });
      expect(await send(path, init({ 'Content-Type': 'application/json', 'Sec-Fetch-Site': 'cross-site' })), `${method} ${path}`).toMatchObject({ status: 403, code: 'CROSS_SITE_REQUEST' });
      expect(await send(path, init({ 'Content-Type': 'application/json', 'Sec-Fetch-Site': 'same-site' })), `${method} ${path}`).toMatchObject({ status: 403 });
      expect(await send(path, init({ 'Content-Type': 'application/json', Origin: 'http://evil.example' })), `${method} ${path}`).toMatchObject({ status: 403, code: 'FOREIGN_ORIGIN' });
    }
    const stored = await eventually(async () => {
      const events = await runEvents(t.store, runId);
      return events.some((e) => e.type === 'RunCompleted') && events;
    });
    expect(stored.filter((e) => e.type.startsWith('Run')).map((e) => e.type)).toEqual(['RunStarted', 'RunCompleted']);
    // Nothing but that run's own events was written while the refused requests came in.
    const others: string[] = [];
    for await (const e of t.store.readAll({ from: before })) if (e.streamId !== `run-${runId}`) others.push(e.streamId);
    expect(others).toEqual([]);
    // Reads are not affected.
    expect(await send(`/api/runs/${runId}`, { headers: { Origin: 'http://evil.example' } })).toMatchObject({ status: 200 });
  });
});

describe('request size and shape', () => {
  const big = JSON.stringify({ workflow: 'research', input: 'x'.repeat(1024 * 1024) });

  it('a body over 1 MiB is a 413 JSON error, with Content-Length or chunked', async () => {
    const headers = { 'Content-Type': 'application/json' };
    expect(await send('/api/runs', { method: 'POST', headers, body: big })).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 20; i++) controller.enqueue(new TextEncoder().encode(big.slice(i * 60_000, (i + 1) * 60_000)));
        controller.close();
      },
    });
    const init = { method: 'POST', headers, body: chunks, duplex: 'half' } as RequestInit;
    expect(await send('/api/runs', init)).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
    // Just under the limit is read (and refused only for its content: the input is too long).
    const under = JSON.stringify({ workflow: 'research', input: 'x'.repeat(1000 * 1000) });
    expect(await send('/api/runs', { method: 'POST', headers, body: under })).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
  });

  it('malformed percent-encoding in a path is a 400 JSON error, never a 500', async () => {
    for (const path of ['/%E0%A4%A', '/app%E0%A4%A.js', '/runs/%E0%A4%A', '/vendor/%E0%A4%A', '/api/runs/%E0%A4%A', '/api/runs/%E0%A4%A/events', '/api/runs/%zz/trace', '/api/%E0%A4%A']) {
      expect(await send(path, {}), path).toMatchObject({ status: 400, code: 'MALFORMED_PATH', type: expect.stringMatching(/application\/json/) as unknown });
    }
  });
});
