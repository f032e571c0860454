import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foldRunStatus } from '../../../src/projections/status.js';
import { createMemoryStore, openProjections, openStore, openViewStore, type EventStore, type RecordedEvent, type RunStatus } from '../../../src/index.js';
import { allEvents, dropSchemas, pgUrl, runPatterns, tempDir } from './support.js';

/**
 * The runner is killed with SIGKILL inside a batch, after it wrote the views and before it wrote
 * the checkpoint (one transaction), again and again, and restarted each time. Each run's status
 * counts the events folded into it (`eventCount`), so an event applied twice or skipped shows.
 */

const FIXTURE = fileURLToPath(new URL('./fixtures/runner.ts', import.meta.url));
const BATCH = 23;

let tmp: ReturnType<typeof tempDir>;
let recorded: RecordedEvent[];

beforeAll(async () => {
  tmp = tempDir('pj-restart');
  const source = createMemoryStore();
  await runPatterns(source, 'Tides');
  await runPatterns(source, 'Glaciers');
  recorded = await allEvents(source);
  await source.close();
}, 120_000);

afterAll(async () => {
  tmp.remove();
  await dropSchemas();
});

async function fill(store: EventStore): Promise<void> {
  for (const e of recorded) {
    await store.append(e.streamId, [{ eventId: e.eventId, type: e.type, data: e.data, metadata: e.metadata }], {
      expectedVersion: e.streamPosition === 0 ? 'no_stream' : e.streamPosition - 1,
    });
  }
}

function runChild(url: string, killAt: number): Promise<{ signal: NodeJS.Signals | null; code: number | null; lines: string[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, url, String(killAt), String(BATCH)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code !== null && code !== 0) reject(new Error(`runner exited ${code}: ${err}`));
      else resolve({ code, signal, lines: out.trim().split('\n').filter(Boolean) });
    });
  });
}

/** Each run's view has folded exactly the run's events up to the stored checkpoint: none twice, none skipped. */
async function expectExactlyUpToCheckpoint(url: string, store: EventStore): Promise<number> {
  const views = await openViewStore(url, store);
  try {
    const { checkpoint } = await views.readMeta();
    const events = await allEvents(store);
    const upTo = checkpoint === undefined ? -1 : events.findIndex((e) => e.globalPosition === checkpoint);
    expect(checkpoint === undefined || upTo >= 0).toBe(true);
    const applied = new Map<string, number>();
    for (const e of events.slice(0, upTo + 1)) applied.set(e.streamId.slice(4), (applied.get(e.streamId.slice(4)) ?? 0) + 1);
    for (const runId of new Set(events.map((e) => e.streamId.slice(4)))) {
      const json = await views.status(runId);
      const count = json === undefined ? 0 : (JSON.parse(json) as RunStatus).eventCount;
      expect({ runId, count }).toEqual({ runId, count: applied.get(runId) ?? 0 });
    }
    expect(await views.errors()).toEqual([]);
    return upTo + 1;
  } finally {
    await views.close();
  }
}

/** After the last restart every view equals a fold of its run's whole stream. */
async function expectComplete(url: string, store: EventStore): Promise<void> {
  const projections = await openProjections(url, store);
  const byRun = new Map<string, RecordedEvent[]>();
  for (const e of await allEvents(store)) byRun.set(e.streamId.slice(4), [...(byRun.get(e.streamId.slice(4)) ?? []), e]);
  for (const [runId, events] of byRun) {
    const status = (await projections.status(runId))!;
    expect(status.eventCount).toBe(events.length);
    expect(status).toEqual({ ...foldRunStatus(events), forks: [] });
  }
  expect((await projections.runs({ limit: 1000 })).rows).toHaveLength(byRun.size);
  await projections.close();
}

describe.each([
  ['sqlite', () => `sqlite:${join(tmp.dir, 'crash.db')}`],
  ['postgres', () => pgUrl('crash').url],
])('projection runner killed with SIGKILL before its checkpoint (%s)', (_name, makeUrl) => {
  it('restarts exactly where it stopped: no event applied twice, none skipped', async () => {
    const url = makeUrl();
    const store = await openStore(url);
    await fill(store);
    let killAt = 1;
    let kills = 0;
    let applied = 0;
    for (;;) {
      const result = await runChild(url, killAt);
      if (result.lines.at(-1) === 'done') break;
      expect(result.signal).toBe('SIGKILL');
      expect(result.lines.at(-1)).toBe(`batch ${killAt}`);
      kills++;
      // The killed batch left nothing behind; the ones before it are all there.
      const now = await expectExactlyUpToCheckpoint(url, store);
      expect(now).toBe(Math.min(recorded.length, applied + (killAt - 1) * BATCH));
      applied = now;
      killAt++;
    }
    expect(kills).toBeGreaterThanOrEqual(3);
    expect(await expectExactlyUpToCheckpoint(url, store)).toBe(recorded.length);
    await expectComplete(url, store);
    await store.close();
  }, 180_000);
});

describe('projection runner failing before its checkpoint (memory views, in process)', () => {
  it('a failed batch leaves nothing behind; reopened projections continue where they stopped', async () => {
    const store = createMemoryStore();
    await fill(store);
    for (let failAt = 1; ; failAt++) {
      let batch = 0;
      const projections = await openProjections('memory:', store, {
        batchSize: BATCH,
        beforeCheckpoint: () => {
          if (++batch === failAt) throw new Error('crash');
        },
      });
      const outcome = await projections.catchUp().then(() => 'done', (e: unknown) => String(e));
      await projections.close();
      if (outcome === 'done') break;
      expect(outcome).toContain('crash');
      await expectExactlyUpToCheckpoint('memory:', store);
    }
    expect(await expectExactlyUpToCheckpoint('memory:', store)).toBe(recorded.length);
    await expectComplete('memory:', store);
  });
});

describe.each([
  ['sqlite', () => `sqlite:${join(tmp.dir, 'two.db')}`],
  ['postgres', () => pgUrl('two').url],
])('two runners on the same views at once (%s)', (_name, makeUrl) => {
  it('never both apply a batch: the checkpoint decides, the loser reloads and carries on', async () => {
    const url = makeUrl();
    const store = await openStore(url);
    await fill(store);
    const a = await openProjections(url, store, { batchSize: 17 });
    const b = await openProjections(url, store, { batchSize: 29 });
    await Promise.all([a.catchUp(), b.catchUp(), a.catchUp()]);
    expect(await expectExactlyUpToCheckpoint(url, store)).toBe(recorded.length);
    expect(a.runner.stats.conflicts + b.runner.stats.conflicts).toBeGreaterThan(0);
    expect(a.runner.stats.events + b.runner.stats.events).toBe(recorded.length);
    await a.close();
    await b.close();
    await expectComplete(url, store);
    await store.close();
  }, 60_000);
});
