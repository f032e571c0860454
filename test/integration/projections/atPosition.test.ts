import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryStore, openProjections, openStore, statusAt, traceAt, type EventStore, type RecordedEvent } from '../../../src/index.js';
import { allEvents, runPatterns, tempDir } from './support.js';

/**
 * For every position P of recorded runs of every pattern, the status and trace folded from the
 * events up to P (no projection tables) equal the views the runner built incrementally after the
 * same events, and at the last position they equal the live views.
 */

let recorded: RecordedEvent[];
let tmp: ReturnType<typeof tempDir>;

beforeAll(async () => {
  const source = createMemoryStore();
  await runPatterns(source);
  recorded = await allEvents(source);
  await source.close();
  tmp = tempDir('pj-at');
}, 120_000);

afterAll(() => tmp.remove());

const copy = (store: EventStore, e: RecordedEvent) =>
  store.append(e.streamId, [{ eventId: e.eventId, type: e.type, data: e.data, metadata: e.metadata }], {
    expectedVersion: e.streamPosition === 0 ? 'no_stream' : e.streamPosition - 1,
  });

describe.each([
  ['memory', () => 'memory:'],
  ['sqlite', () => `sqlite:${join(tmp.dir, 'at.db')}?durability=normal`],
])('view at a position (%s views)', (_name, url) => {
  it('equals the incrementally built view after the same events, for every P of every run', async () => {
    const store = await openStore(url());
    const projections = await openProjections(url(), store);
    let checked = 0;
    for (const e of recorded) {
      await copy(store, e);
      await projections.catchUp();
      const runId = e.streamId.slice('run-'.length);
      const live = await projections.status(runId);
      expect(await statusAt(store, runId, e.streamPosition)).toEqual(live);
      expect(await projections.statusAt(runId, e.streamPosition)).toEqual(live);
      expect(live?.lastPosition).toBe(e.streamPosition);
      expect(await traceAt(store, runId, e.streamPosition)).toEqual(await projections.trace(runId));
      checked++;
    }
    expect(checked).toBe(recorded.length);
    expect(await projections.errors()).toEqual([]);
    await projections.close();
    await store.close();
  });

  it('at an earlier P shows the run as it was then; past the end, as it is now', async () => {
    const store = await openStore(url().replace('at.db', 'at2.db'));
    for (const e of recorded) await copy(store, e);
    const projections = await openProjections(url().replace('at.db', 'at2.db'), store);
    await projections.catchUp();
    const first = recorded[0]!;
    const runId = first.streamId.slice(4);
    const atStart = (await statusAt(store, runId, 0))!;
    expect(atStart).toMatchObject({ status: 'running', steps: [], lastPosition: 0, eventCount: 1 });
    expect((await traceAt(store, runId, 0))!.root.children).toEqual([]);
    expect(await statusAt(store, runId, 10_000)).toEqual(await projections.status(runId));
    expect(await traceAt(store, runId)).toEqual(await projections.trace(runId));
    expect(await statusAt(store, 'no-such-run', 3)).toBeUndefined();

    // With child runs nested: in full at the end; while they ran, as far as they had got by then.
    const parallel = recorded.find((e) => e.type === 'ChildRunStarted')!;
    const parentId = parallel.streamId.slice(4);
    const last = (await projections.status(parentId))!.lastPosition;
    expect(await traceAt(store, parentId, last, { children: true })).toEqual(await projections.trace(parentId, { children: true }));
    const early = (await traceAt(store, parentId, parallel.streamPosition + 2, { children: true }))!;
    const children = early.root.children.filter((c) => c.kind === 'child');
    expect(children.length).toBeGreaterThan(0);
    for (const c of children) {
      expect(c.status).toBe('running');
      const nested = c.children.find((x) => x.kind === 'run');
      if (nested) {
        expect(nested.status).toBe('running');
        const cutoff = recorded.find((e) => e.streamId === parallel.streamId && e.streamPosition === parallel.streamPosition + 2)!.metadata.recordedAt;
        for (const span of nested.children) expect(span.startedAt <= cutoff || span.kind === 'sdk').toBe(true);
      }
    }
    await expect(statusAt(store, runId, -1)).rejects.toThrow(/whole number/);
    await projections.close();
    await store.close();
  });
});
