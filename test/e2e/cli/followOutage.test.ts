import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunJson } from '../../../src/cli/commands/run.js';
import { openStore } from '../../../src/store/openStore.js';
import { tcpProxy, type TcpProxy } from '../../support/tcpProxy.js';
import { aigen, collectJsonLines, finished, json, jsonLines, runStartedWith, sandbox, start, waitForLine, type Sandbox } from './helpers.js';

// A follower reaches PostgreSQL through a proxy the test cuts and restores, as a database restart
// looks to a client; the runs it follows write to the database directly, also while it is cut off.
const PG = 'postgres://postgres@127.0.0.1:5432/test';
const schemas: string[] = [];
let sb: Sandbox;
let proxy: TcpProxy;

function urls(name: string) {
  const schema = `aigen_outage_${name}_${process.pid}`;
  schemas.push(schema);
  return { direct: `${PG}?schema=${schema}`, proxied: `postgres://postgres@127.0.0.1:${proxy.port}/test?schema=${schema}` };
}

beforeAll(async () => {
  sb = sandbox();
  proxy = await tcpProxy(5432);
});
afterAll(async () => {
  await proxy.close();
  const admin = new pg.Client({ connectionString: PG });
  await admin.connect();
  for (const s of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(s)} CASCADE`);
  await admin.end();
  sb.cleanup();
});

const OUTAGE = /cannot reach event store[^\n]*retrying/;

async function until(done: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('following through a PostgreSQL outage', () => {
  it('events --follow reports the outage once, then shows every event of the run exactly once and ends with it', async () => {
    const { direct, proxied } = urls('events');
    const run = start(['--store', direct, 'run', 'content_generation', 'Outage follow'], { sb, env: { AIGEN_OFFLINE_LATENCY_MS: '1500' } });
    const runDone = finished(run);
    const runId = await runStartedWith(direct, 'Outage follow');
    const follower = start(['--store', proxied, 'events', runId, '--follow', '--json'], { sb });
    const seen = collectJsonLines(follower);
    const followDone = finished(follower);
    await until(() => seen.length > 0, 'the first event');
    proxy.cut();
    await waitForLine(follower.stderr, OUTAGE);
    // The run goes on writing while the follower cannot read.
    const ran = await runDone;
    expect(ran.code, ran.stderr).toBe(0);
    proxy.restore();
    const followed = await followDone;
    expect(followed.code, followed.stderr).toBe(0);
    expect(followed.stderr.match(new RegExp(OUTAGE.source, 'g'))).toHaveLength(1);
    const recorded = jsonLines((await aigen(['--store', direct, 'events', runId, '--json'], { sb })).stdout);
    expect(seen.map((l) => l.value.eventId)).toEqual(recorded.map((e) => e.eventId));
    expect(recorded.at(-1)?.type).toBe('RunCompleted');
  });

  it('tail reports the outage once and continues after the last event it showed: no gap, no duplicate', async () => {
    const { direct, proxied } = urls('tail');
    const before = json<RunJson>(await aigen(['--store', direct, 'run', 'writer', 'Before the outage', '--json'], { sb }));
    const tail = start(['--store', proxied, 'tail', '--from', 'start', '--json'], { sb });
    const seen = collectJsonLines(tail);
    const tailDone = finished(tail);
    const shows = (runId: string) => seen.some((l) => l.value.type === 'RunCompleted' && l.value.metadata.runId === runId);
    await until(() => shows(before.runId), 'the first run');
    proxy.cut();
    await waitForLine(tail.stderr, OUTAGE);
    const during = json<RunJson>(await aigen(['--store', direct, 'run', 'writer', 'During the outage', '--json'], { sb }));
    proxy.restore();
    await until(() => shows(during.runId), 'the run written during the outage');
    tail.kill('SIGINT');
    const r = await tailDone;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.match(new RegExp(OUTAGE.source, 'g'))).toHaveLength(1);
    const store = await openStore(direct);
    const recorded: string[] = [];
    for await (const e of store.readAll({ filter: { streamPrefix: 'run-' } })) recorded.push(e.eventId);
    await store.close();
    expect(seen.map((l) => l.value.eventId)).toEqual(recorded);
  });

  it('SIGTERM ends a follower that is waiting for the store to come back (exit 0)', async () => {
    const { direct, proxied } = urls('sigterm');
    await aigen(['--store', direct, 'run', 'writer', 'Before the cut', '--json'], { sb });
    const tail = start(['--store', proxied, 'tail', '--from', 'start', '--json'], { sb });
    const seen = collectJsonLines(tail);
    const tailDone = finished(tail);
    await until(() => seen.some((l) => l.value.type === 'RunCompleted'), 'the first run');
    proxy.cut();
    try {
      await waitForLine(tail.stderr, OUTAGE);
      tail.kill('SIGTERM');
      const r = await tailDone;
      expect(r.code, r.stderr).toBe(0);
    } finally {
      proxy.restore();
    }
  });
});
