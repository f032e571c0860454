import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryStore, openProjections, openStore, openViewStore, PROJECTION_VERSIONS, type EventStore } from '../../../src/index.js';
import { runPatterns, tempDir } from './support.js';

/**
 * Each projection has a version: views built with another version (or another set of views)
 * are dropped when opened and rebuilt from the first event. `detail: false` keeps only the status
 * and runs views; trace and usage are then folded from the store, with the same results.
 */

let tmp: ReturnType<typeof tempDir>;
beforeAll(() => {
  tmp = tempDir('pj-versions');
});
afterAll(() => tmp.remove());

describe.each([
  ['memory', () => ({ url: 'memory:', open: () => Promise.resolve(createMemoryStore() as EventStore) })],
  ['sqlite', () => ({ url: `sqlite:${join(tmp.dir, 'v.db')}`, open: () => openStore(`sqlite:${join(tmp.dir, 'v.db')}`) })],
])('projection versions (%s)', (_name, target) => {
  let url: string;
  let store: EventStore;
  let ids: Record<string, string>;

  beforeAll(async () => {
    const t = target();
    url = t.url;
    store = await t.open();
    ids = await runPatterns(store);
  }, 120_000);
  afterAll(() => store.close());

  it('keeps the views when the versions match, drops and rebuilds them when one changes', async () => {
    const first = await openProjections(url, store);
    await first.catchUp();
    const before = await first.status(ids.content_generation!);
    await first.close();

    const views = await openViewStore(url, store);
    const meta = await views.readMeta();
    expect(meta.versions).toEqual(PROJECTION_VERSIONS);
    expect(meta.checkpoint).toBeDefined();
    await views.close();

    const same = await openProjections(url, store);
    expect(await same.status(ids.content_generation!)).toEqual(before);
    await same.close();

    const bumped = await openProjections(url, store, { versions: { ...PROJECTION_VERSIONS, trace: PROJECTION_VERSIONS.trace + 1 } });
    expect(await bumped.status(ids.content_generation!)).toBeUndefined();
    expect((await bumped.runs()).rows).toEqual([]);
    await bumped.catchUp();
    expect(await bumped.status(ids.content_generation!)).toEqual(before);
    await bumped.close();
  });

  it('detail: false keeps status and runs only; trace and usage fold from the store and agree with the detail views', async () => {
    const full = await openProjections(url, store);
    await full.catchUp();
    const expected = {
      status: await full.status(ids.multi_perspective!),
      trace: await full.trace(ids.multi_perspective!, { children: true }),
      usage: await full.usage(),
      runUsage: await full.usage({ runId: ids.multi_perspective! }),
      runs: await full.runs({ limit: 100 }),
    };
    await full.close();

    const lean = await openProjections(url, store, { detail: false });
    expect(lean.runner.detail).toBe(false);
    expect(await lean.status(ids.multi_perspective!)).toBeUndefined(); // another set of views: rebuilt
    await lean.catchUp();
    const views = await openViewStore(url, store);
    expect(await views.usageRows()).toEqual([]);
    expect(await views.trace(ids.multi_perspective!)).toBe('null');
    await views.close();
    expect(await lean.status(ids.multi_perspective!)).toEqual(expected.status);
    expect(await lean.trace(ids.multi_perspective!, { children: true })).toEqual(expected.trace);
    expect(await lean.usage()).toEqual(expected.usage);
    expect(await lean.usage({ runId: ids.multi_perspective! })).toEqual(expected.runUsage);
    expect(await lean.runs({ limit: 100 })).toEqual(expected.runs);
    await lean.close();
  });
});
