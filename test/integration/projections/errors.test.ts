import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { aigenCodec, createMemoryStore, openProjections, openStore, type EventCodec, type EventStore, type NewEvent, type RecordedEvent } from '../../../src/index.js';
import { schemaNames } from '../../../src/store/postgres/schema.js';
import { dropSchemas, pgQuery, pgUrl, tempDir } from './support.js';

/**
 * Unreadable events (invalid JSON, an unknown type, a payload failing its schema) come from the
 * store as CorruptEventError; others are refused by the reducers (an event before its run's
 * RunStarted, a second RunStarted). Either way the runner records a projection error with the
 * event's position and carries on after it, in a batch and live.
 */

interface Planted {
  streamId: string;
  type: string;
  data: string;
  metadata?: string;
}

const meta = (runId: string) => JSON.stringify({ runId, recordedAt: '2025-01-01T00:00:00.000Z', schemaVersion: 1 });
const started = (runId: string): NewEvent => ({
  type: 'RunStarted',
  data: {
    runId,
    workflow: { name: 'wf', kind: 'sequential', version: '1', definition: {} },
    input: 'x',
    options: { maxRetries: 0, retryDelayMs: 0, maxTurns: 3 },
    model: 'offline',
    traceId: 't',
  },
  metadata: { runId },
});
const task = (stepId: string): NewEvent => ({ type: 'TaskSent', data: { stepId, agentId: 'a', input: 'i', attempt: 1 }, metadata: { actorId: 'a' } });

/** The bad rows, in the order they are planted; `run-good` keeps going around them. */
const BAD: Planted[] = [
  { streamId: 'run-good', type: 'TaskSent', data: '{"stepId": "2-x", "agentId": ' }, // invalid JSON
  { streamId: 'run-good', type: 'Teleported', data: '{}' }, // unknown type
  { streamId: 'run-good', type: 'TaskSent', data: JSON.stringify({ stepId: '', agentId: 'a', input: 'i', attempt: 0 }) }, // fails its schema
];

let tmp: ReturnType<typeof tempDir>;
beforeAll(() => {
  tmp = tempDir('pj-errors');
});
afterAll(async () => {
  tmp.remove();
  await dropSchemas();
});

/** A memory store that stores whatever it is given (so tests can plant bad rows), read with the aigen codec. */
function plantingMemoryStore(): { store: EventStore; plant: (row: Planted) => Promise<void> } {
  const codec: EventCodec = {
    encode: (e) => (e.type === '__raw' ? (e.data as { eventId: string; type: string; data: string; metadata: string }) : aigenCodec.encode(e)),
    decode: (raw) => aigenCodec.decode(raw),
  };
  const store = createMemoryStore({ codec });
  const plant = async (row: Planted) => {
    const raw = { eventId: randomUUID(), type: row.type, data: row.data, metadata: row.metadata ?? meta(row.streamId.slice(4)) };
    await store.append(row.streamId, [{ type: '__raw', data: raw }]);
  };
  return { store, plant };
}

const targets: Array<[string, () => Promise<{ url: string; store: EventStore; plant: (row: Planted) => Promise<void> }>]> = [
  ['memory', () => Promise.resolve({ url: 'memory:', ...plantingMemoryStore() })],
  [
    'sqlite',
    async () => {
      const file = join(tmp.dir, `${randomUUID()}.db`);
      const store = await openStore(`sqlite:${file}`);
      const plant = (row: Planted) => {
        const db = new Database(file);
        db.pragma('busy_timeout = 5000');
        db.prepare(
          `INSERT INTO events (event_id, stream_id, stream_position, type, data, metadata)
           VALUES (?, ?, (SELECT COALESCE(MAX(stream_position), -1) + 1 FROM events WHERE stream_id = ?), ?, ?, ?)`,
        ).run(randomUUID(), row.streamId, row.streamId, row.type, row.data, row.metadata ?? meta(row.streamId.slice(4)));
        db.close();
        return Promise.resolve();
      };
      return { url: `sqlite:${file}`, store, plant };
    },
  ],
  [
    'postgres',
    async () => {
      const { url, schema } = pgUrl('errors');
      const store = await openStore(url);
      const names = schemaNames(schema);
      const plant = (row: Planted) =>
        pgQuery(
          `INSERT INTO ${names.events} (event_id, stream_id, stream_position, type, data, metadata)
       SELECT gen_random_uuid(), $1, coalesce(max(stream_position), -1) + 1, $2, $3, $4 FROM ${names.events} WHERE stream_id = $1`,
          [row.streamId, row.type, row.data, row.metadata ?? meta(row.streamId.slice(4))],
        );
      return { url, store, plant };
    },
  ],
];

describe.each(targets)('projection errors (%s)', (_name, open) => {
  it('records each unreadable or refused event with its position and applies everything after it', async () => {
    const { url, store, plant } = await open();
    await store.append('run-good', [started('good'), task('1-a')]);
    for (const bad of BAD) await plant(bad);
    await store.append('run-orphan', [task('1-x')]); // no RunStarted: refused by the reducers
    await store.append('run-good', [task('3-c'), started('good')]); // a second RunStarted: refused
    await store.append('run-other', [started('other')]);
    const projections = await openProjections(url, store, { batchSize: 4 });
    await projections.catchUp();

    const errors = await projections.errors();
    const positions: Array<[string, number]> = errors.map((e) => [e.streamId, e.streamPosition]);
    expect(positions).toEqual([
      ['run-good', 2],
      ['run-good', 3],
      ['run-good', 4],
      ['run-orphan', 0],
      ['run-good', 6],
    ]);
    expect(errors.map((e) => e.code)).toEqual(['EVENT_CORRUPT', 'EVENT_CORRUPT', 'EVENT_CORRUPT', 'EVENT_REJECTED', 'EVENT_REJECTED']);
    expect(errors[0]!.message).toMatch(/invalid JSON/);
    expect(errors[1]!.message).toMatch(/unknown event type 'Teleported'/);
    expect(errors[3]!.message).toMatch(/before the run's RunStarted/);
    expect(errors.every((e) => typeof e.globalPosition === 'string' && e.globalPosition.length > 0)).toBe(true);
    expect(errors.slice(3).map((e) => e.type)).toEqual(['TaskSent', 'RunStarted']);

    const good = (await projections.status('good'))!;
    expect(good.steps.map((s) => s.stepId)).toEqual(['1-a', '3-c']);
    expect(good).toMatchObject({ lastPosition: 5, eventCount: 3 });
    expect(await projections.status('other')).toMatchObject({ status: 'running', eventCount: 1 });
    expect(await projections.status('orphan')).toBeUndefined();
    // The views at a position skip the same events.
    expect(await projections.statusAt('good')).toEqual(good);

    // Live: a bad event arriving while the runner runs is recorded too, and the next one applied.
    projections.start();
    await plant({ streamId: 'run-other', type: 'TaskSent', data: 'not json' });
    await store.append('run-other', [task('1-late')]);
    await vi.waitFor(async () => expect((await projections.status('other'))?.steps.map((s) => s.stepId)).toEqual(['1-late']), { timeout: 10_000 });
    const late = (await projections.errors()).at(-1)!;
    expect([late.streamId, late.streamPosition, late.code]).toEqual(['run-other', 1, 'EVENT_CORRUPT']);
    await projections.close();
    await store.close();
  });
});

describe('watchRun skips an unreadable event', () => {
  it('emits the readable events and completes after the terminal one', async () => {
    const { store, plant } = plantingMemoryStore();
    await store.append('run-w', [started('w')]);
    await plant({ streamId: 'run-w', type: 'TaskSent', data: '{' });
    await store.append('run-w', [{ type: 'RunCancelled', data: { reason: 'stop', usage: { requests: 0, inputTokens: 0, outputTokens: 0, totalTokens: 0 }, durationMs: 1 } }]);
    const { watchRun } = await import('../../../src/projections/watch.js');
    const seen: RecordedEvent[] = [];
    await new Promise<void>((resolve, reject) => watchRun(store, 'w').subscribe({ next: (u) => seen.push(u.event), error: reject, complete: resolve }));
    expect(seen.map((e) => [e.type, e.streamPosition])).toEqual([
      ['RunStarted', 0],
      ['RunCancelled', 2],
    ]);
    await store.close();
  });
});
