import { join } from 'node:path';
import type { Observable } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  createMemoryStore,
  createWorkflow,
  NotFoundError,
  openProjections,
  openStore,
  statusAt,
  ValidationError,
  WorkflowEngine,
  type EventStore,
  type RunRow,
  type WatchUpdate,
} from '../../../src/index.js';
import { runEvents } from '../../support/runs.js';
import { tempDir } from './support.js';

let tmp: ReturnType<typeof tempDir>;
beforeAll(() => {
  tmp = tempDir('pj-live');
});
afterAll(() => tmp.remove());

function collect(updates: Observable<WatchUpdate>): Promise<WatchUpdate[]> {
  const out: WatchUpdate[] = [];
  return new Promise((resolve, reject) => updates.subscribe({ next: (u) => out.push(u), error: reject, complete: () => resolve(out) }));
}

describe.each([
  ['memory', () => ({ url: 'memory:', open: () => Promise.resolve(createMemoryStore() as EventStore) })],
  ['sqlite', () => ({ url: `sqlite:${join(tmp.dir, 'live.db')}`, open: () => openStore(`sqlite:${join(tmp.dir, 'live.db')}`) })],
])('live views (%s)', (_name, target) => {
  let store: EventStore;
  let engine: WorkflowEngine;
  let url: string;

  beforeAll(async () => {
    const t = target();
    url = t.url;
    store = await t.open();
    engine = new WorkflowEngine({ store, retryDelayMs: 10 });
  });
  afterAll(() => store.close());

  it('engine.watch(runId) emits { event, status } for every event of a running run and completes after its end', async () => {
    const runId = await engine.start(createWorkflow('content_router'), 'Write about tides');
    const updates = await collect(engine.watch(runId));
    const events = await runEvents(store, runId);
    expect(updates.map((u) => u.event.eventId)).toEqual(events.map((e) => e.eventId));
    for (const u of updates) expect(u.status).toEqual(await statusAt(store, runId, u.event.streamPosition, { forks: false }));
    expect(updates.at(-1)).toMatchObject({ event: { type: 'RunCompleted' }, status: { status: 'completed' } });
  });

  it('watching a finished run replays it and completes', async () => {
    const { runId } = await engine.execute(createWorkflow('content_generation'), undefined, 'Write about rivers');
    const updates = await collect(engine.watch(runId));
    expect(updates.map((u) => u.event.streamPosition)).toEqual((await runEvents(store, runId)).map((e) => e.streamPosition));
    expect(updates.at(-1)!.status.status).toBe('completed');
  });

  it('started projections follow new runs live; watchRuns emits each changed row', async () => {
    const projections = await openProjections(url, store);
    const rows: RunRow[] = [];
    const sub = projections.watchRuns().subscribe((r) => rows.push(r));
    const { runId } = await engine.execute(createWorkflow('multi_perspective'), undefined, 'Write about lakes');
    await vi.waitFor(async () => expect((await projections.status(runId))?.status).toBe('completed'), { timeout: 15_000 });
    expect(rows.filter((r) => r.runId === runId).at(-1)).toMatchObject({ runId, status: 'completed', workflow: 'multi_perspective' });
    expect(await projections.status(runId)).toEqual(await statusAt(store, runId));
    sub.unsubscribe();
    await projections.close();
  });

  it('resolveRunId: a unique prefix, an exact id, a parent over its child runs, ambiguity, nothing', async () => {
    await engine.execute(createWorkflow('content_generation'), undefined, 'one', { runId: 'feed-1' });
    await engine.execute(createWorkflow('content_generation'), undefined, 'two', { runId: 'feed-2' });
    const projections = await openProjections(url, store);
    await projections.catchUp();
    const { rows } = await projections.runs({ workflow: 'multi_perspective', limit: 1 });
    const parent = rows[0]!.runId;
    expect(await projections.resolveRunId(parent)).toBe(parent);
    // A parent's id prefixes its child runs' ids (`<parent>.<branch>`): the prefix names the parent.
    expect(await projections.resolveRunId(parent.slice(0, -4))).toBe(parent);
    expect(await projections.resolveRunId(`${parent}.tech`)).toBe(`${parent}.technical`);
    const ambiguous = await projections.resolveRunId(`${parent}.`).catch((e: unknown) => e);
    expect(ambiguous).toBeInstanceOf(ValidationError);
    expect(String(ambiguous)).toContain(`${parent}.creative`);
    expect(await projections.resolveRunId('feed-1')).toBe('feed-1');
    expect(await projections.resolveRunId('feed-2')).toBe('feed-2');
    const feeds = await projections.resolveRunId('feed').catch((e: unknown) => e);
    expect(feeds).toBeInstanceOf(ValidationError);
    expect(String(feeds)).toMatch(/ambiguous; it matches feed-1, feed-2/);
    await expect(projections.resolveRunId('zzzz-no-such-run')).rejects.toBeInstanceOf(NotFoundError);
    await expect(projections.resolveRunId('')).rejects.toBeInstanceOf(ValidationError);
    await projections.close();
  });
});
