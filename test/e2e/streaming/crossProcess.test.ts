import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect } from '../server/sseClient.js';
import { finished, sandbox, start, waitForLine, type Sandbox } from '../cli/helpers.js';
import { expectStreamedAnswers, startServe } from './support.js';
import { openStore } from '../../../src/store/openStore.js';

// A run executed by one `aigen run` process streams its model output to `aigen serve` in another,
// through the store: SQLite (a small table of in-flight text) and PostgreSQL (the same, unlogged).
const PG_URL = 'postgres://postgres@127.0.0.1:5432/test';
const RUN_ID = /run ([0-9a-f]{8}-[0-9a-f-]{27})/;

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
    ({ url, stop: stopServer } = await startServe(sb, { AIGEN_STORE: store }));
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

  it('a writer ended mid-call (SIGTERM) cancels the run; its in-flight text is deleted from the store', async () => {
    const run = start(['run', 'content_generation', 'Terminate me mid-call'], { sb, env: { AIGEN_STORE: store, AIGEN_OFFLINE_LATENCY_MS: '4000' } });
    const ran = finished(run);
    const runId = (await waitForLine(run.stderr, RUN_ID, 60_000))[1]!;
    let terminated = false;
    const got = await collect(`${url}/api/runs/${runId}/events`, {
      deltas: true,
      timeoutMs: 90_000,
      until: (ms) => {
        if (!terminated && ms.filter((m) => m.type === 'delta').length >= 3) {
          terminated = true;
          run.kill('SIGTERM');
        }
        return false;
      },
    });
    await ran;
    expect(got.some((m) => m.type === 'RunCancelled')).toBe(true);
    const opened = await openStore(store);
    try {
      expect((await opened.partials!.list(60_000)).filter((p) => p.runId === runId)).toEqual([]);
    } finally {
      await opened.close();
    }
  });
});
