import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, type Received } from '../server/sseClient.js';
import { finished, sandbox, start, waitForLine, type Sandbox } from '../cli/helpers.js';

// A run executed by one `aigen run` process streams its model output to `aigen serve` in another,
// through the store: SQLite (a small table of in-flight text) and PostgreSQL (the same, unlogged).
const PG_URL = 'postgres://postgres@127.0.0.1:5432/test';
const RUN_ID = /run ([0-9a-f]{8}-[0-9a-f-]{27})/;

interface DeltaData { callId: string; text: string; index: number; snapshot?: boolean }

function respondedText(data: unknown): string {
  const output = (data as { response: { output: Array<{ type: string; content?: Array<{ text?: string }> }> } }).response.output;
  return output.flatMap((o) => (o.type === 'message' ? (o.content ?? []).map((c) => c.text ?? '') : [])).join('');
}

/** Check deltas sit inside their calls, continue each other by offset, and join to each recorded answer. */
function expectStreamedAnswers(got: readonly Received[]): number {
  const open = new Set<string>();
  const texts = new Map<string, string>();
  let answers = 0;
  for (const m of got) {
    const inner = (m.data as { data?: { callId?: string } }).data;
    if (m.type === 'ModelCalled') open.add(inner!.callId!);
    if (m.type === 'delta') {
      const d = m.data as unknown as DeltaData;
      expect(open.has(d.callId), `delta of ${d.callId} outside its call`).toBe(true);
      const have = d.snapshot ? '' : (texts.get(d.callId) ?? '');
      expect(d.index).toBe(have.length);
      texts.set(d.callId, have + d.text);
    }
    if (m.type === 'ModelResponded') {
      open.delete(inner!.callId!);
      expect(texts.get(inner!.callId!), `streamed text of ${inner!.callId}`).toBe(respondedText(inner));
      answers += 1;
    }
  }
  return answers;
}

describe.each([
  ['sqlite', (sb: Sandbox) => sb.store],
  ['postgres', () => `${PG_URL}?schema=aigen_stream_${randomBytes(5).toString('hex')}`],
] as const)('deltas across processes on %s', (kind, storeOf) => {
  let sb: Sandbox;
  let store: string;
  let url: string;
  let stopServer: () => Promise<unknown>;

  beforeAll(async () => {
    sb = sandbox();
    store = storeOf(sb);
    const server = start(['serve', '--port', '0', '--json'], { sb, env: { AIGEN_STORE: store } });
    const done = finished(server);
    stopServer = () => (server.kill('SIGTERM'), done);
    url = (await waitForLine(server.stdout, /"url":"([^"]+)"/, 90_000))[1]!;
  }, 120_000);

  afterAll(async () => {
    await stopServer();
    sb.cleanup();
    if (kind === 'postgres') {
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${new URL(store).searchParams.get('schema')!} CASCADE`);
      await client.end();
    }
  });

  it('aigen serve streams the deltas of a run that another process executes', async () => {
    const run = start(['run', 'content_generation', 'Stream me across processes'], { sb, env: { AIGEN_STORE: store, AIGEN_OFFLINE_LATENCY_MS: '2500' } });
    const ran = finished(run);
    const runId = (await waitForLine(run.stderr, RUN_ID, 60_000))[1]!;
    const got = await collect(`${url}/api/runs/${runId}/events`, { deltas: true, timeoutMs: 90_000 });
    expect((await ran).code).toBe(0);
    expect(got.filter((m) => m.type === 'delta').length).toBeGreaterThan(10);
    expect(expectStreamedAnswers(got)).toBe(3);
  });

  it('a writer stopped mid-call (SIGSTOP) pauses the deltas; after SIGCONT they continue with no hole', async () => {
    const run = start(['run', 'content_generation', 'Stop and continue me'], { sb, env: { AIGEN_STORE: store, AIGEN_OFFLINE_LATENCY_MS: '2500' } });
    const ran = finished(run);
    const runId = (await waitForLine(run.stderr, RUN_ID, 60_000))[1]!;
    let stopped = false;
    const got = await collect(`${url}/api/runs/${runId}/events`, {
      deltas: true,
      timeoutMs: 90_000,
      until: (ms) => {
        if (!stopped && ms.filter((m) => m.type === 'delta').length >= 3) {
          stopped = true;
          run.kill('SIGSTOP');
          setTimeout(() => run.kill('SIGCONT'), 1500);
        }
        return false;
      },
    });
    expect(stopped).toBe(true);
    expect((await ran).code).toBe(0);
    expect(expectStreamedAnswers(got)).toBe(3);
  });
});
