import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryViewData, MemoryViewStore } from '../../../src/projections/memory/index.js';
import { openProjections, openStore, statusAt, StoreProjections, traceAt, type EventStore, type ProjectionsHandle } from '../../../src/index.js';
import { createMemoryStore } from '../../../src/store/memory/index.js';
import { scenarioArb } from './support/runGen.js';

/** Every view of every run, in a comparable form. */
async function snapshot(p: ProjectionsHandle, runIds: readonly string[]) {
  const pages: unknown[] = [];
  let cursor: string | undefined;
  do {
    const page = await p.runs({ limit: 3, cursor });
    pages.push(...page.rows);
    cursor = page.nextCursor;
  } while (cursor);
  const perRun = await Promise.all(
    runIds.map(async (id) => ({ status: await p.status(id), trace: await p.trace(id), usage: (await p.status(id)) ? await p.usage({ runId: id }) : undefined })),
  );
  return {
    runs: pages,
    completed: (await p.runs({ status: 'completed', limit: 1000 })).rows,
    roots: (await p.runs({ rootOnly: true, workflow: 'content_generation', limit: 1000 })).rows,
    perRun,
    usage: await p.usage(),
    errors: (await p.errors()).map(({ recordedAt: _, ...e }) => e),
  };
}

const dir = mkdtempSync(join(tmpdir(), 'aigen-pj-prop-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

const targets: Array<[string, number, () => Promise<{ url: string; store: EventStore }>]> = [
  ['memory', 60, () => Promise.resolve({ url: 'memory:', store: createMemoryStore() })],
  [
    'sqlite',
    8,
    async () => {
      const url = `sqlite:${join(dir, `p${files++}.db`)}?durability=normal`;
      return { url, store: await openStore(url) };
    },
  ],
];

describe.each(targets)('projection rebuild (property, %s views)', (_name, numRuns, open) => {
  it('a rebuilt view equals the incrementally built one and the one built live event by event (also status-only), and every intermediate view equals the fold at that position', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, fc.array(fc.nat(), { maxLength: 8 }), fc.integer({ min: 1, max: 40 }), async ({ events, runIds }, cuts, batchSize) => {
        const { url, store } = await open();
        const incremental = await openProjections(url, store, { batchSize });
        // A status-only runner (it reads the payloads the status fold ignores as envelopes), caught up event by event.
        const live = new StoreProjections(store, new MemoryViewStore(new MemoryViewData()), { batchSize, detail: false });
        await live.runner.prepare();
        const cutAt = new Set(cuts.map((c) => c % (events.length + 1)));
        const lastPosition = new Map<string, number>();
        for (let i = 0; i <= events.length; i++) {
          if (cutAt.has(i)) {
            await incremental.catchUp();
            // The incrementally built view after P events equals the fold up to P, for every run so far.
            for (const id of runIds) {
              const p = lastPosition.get(id);
              if (p === undefined) continue;
              expect(await statusAt(store, id, p)).toEqual(await incremental.status(id));
              expect(await traceAt(store, id, p)).toEqual(await incremental.trace(id));
            }
          }
          const next = events[i];
          if (!next) break;
          const { nextExpectedVersion } = await store.append(next.streamId, [next.event]);
          lastPosition.set(next.streamId.slice(4), nextExpectedVersion);
          await live.catchUp();
        }
        await incremental.catchUp();
        const built = await snapshot(incremental, runIds);

        // A second runner over fresh (memory) views, in one big batch.
        const fresh = new StoreProjections(store, new MemoryViewStore(new MemoryViewData()), { batchSize: 1000 });
        await fresh.runner.prepare();
        await fresh.catchUp();
        expect(await snapshot(fresh, runIds)).toEqual(built);

        // rebuild() on the incremental one.
        await incremental.rebuild();
        expect(await snapshot(incremental, runIds)).toEqual(built);

        // The status-only views built event by event equal the rebuilt ones, and so does their rebuild.
        expect(await snapshot(live, runIds)).toEqual(built);
        await live.rebuild();
        expect(await snapshot(live, runIds)).toEqual(built);
        await live.close();

        // Double application would show: each run's counter equals its stream length.
        for (const id of runIds) {
          const s = await incremental.status(id);
          expect(s?.eventCount).toBe((lastPosition.get(id) ?? -1) + 1);
        }
        await incremental.close();
        await fresh.close();
        await store.close();
      }),
      { numRuns },
    );
  }, 180_000);
});
