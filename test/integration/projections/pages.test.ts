import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createWorkflow, openProjections, openStore, WorkflowEngine } from '../../../src/index.js';
import { tempDir } from './support.js';

/**
 * A batch of the projection runner spans several pages of the log (500 events each): runs whose
 * events straddle pages fold as one, an unreadable event ends the batch, and the next continues
 * after it. Status-only views (payloads the status ignores read as envelopes) and full views alike.
 */
const tmp = tempDir('pj-pages');
afterAll(() => tmp.remove());

describe.each([true, false])('projection batches across pages (detail: %s)', (detail) => {
  it('folds runs interleaved over several pages like the fold of each run, and ends a batch at an unreadable event', async () => {
    const file = join(tmp.dir, `${randomUUID()}.db`);
    const url = `sqlite:${file}?durability=normal`;
    const store = await openStore(url);
    const engine = new WorkflowEngine({ store, retryDelayMs: 10 });
    const run = () => engine.execute(createWorkflow('content_generation'), undefined, 'Write about tides');
    // Concurrent runs interleave their events in the log.
    const first = await Promise.all(Array.from({ length: 20 }, run));
    const db = new Database(file);
    db.prepare(
      `INSERT INTO events (event_id, stream_id, stream_position, type, data, metadata)
       VALUES (?, ?, (SELECT MAX(stream_position) + 1 FROM events WHERE stream_id = ?), 'TaskSent', '{"stepId": ', '{}')`,
    ).run(randomUUID(), `run-${first[0]!.runId}`, `run-${first[0]!.runId}`);
    db.close();
    const second = await Promise.all(Array.from({ length: 20 }, run));
    const runIds = [...first, ...second].map((r) => r.runId);

    const projections = await openProjections(url, store, { detail });
    await projections.catchUp();
    const errors = await projections.errors();
    expect(errors.map((e) => [e.streamId, e.code])).toEqual([[`run-${first[0]!.runId}`, 'EVENT_CORRUPT']]);
    expect(projections.runner.stats.batches).toBe(2);
    expect(projections.runner.stats.events).toBeGreaterThan(1000);
    for (const id of runIds) expect(await projections.status(id)).toEqual(await projections.statusAt(id));
    expect((await projections.runs({ status: 'completed', limit: 100 })).rows).toHaveLength(40);
    await projections.close();
    await store.close();
  }, 120_000);
});
