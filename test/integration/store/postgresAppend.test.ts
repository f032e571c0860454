import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventStore } from '../../../src/store/eventStore.js';
import { ConcurrencyError, DuplicateEventIdError } from '../../../src/store/errors.js';
import { openPostgresStore } from '../../../src/store/postgres/index.js';
import { readStream, streamId, tos, transitioned, transitions } from '../../conformance/testEvents.js';

const BASE_URL = process.env.AIGEN_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Settle every append; each outcome is its result or the error it was rejected with. */
const settled = <T>(appends: Array<Promise<T>>) => Promise.all(appends.map((p) => p.then((r) => r, (e: unknown) => e)));

describe('postgres store: appends of one batch and of two processes at once', () => {
  const schema = `aigen_a_${randomBytes(6).toString('hex')}`;
  let a: EventStore;
  let b: EventStore;

  beforeAll(async () => {
    a = await openPostgresStore({ connectionString: BASE_URL, schema });
    b = await openPostgresStore({ connectionString: BASE_URL, schema });
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    const admin = new pg.Client({ connectionString: BASE_URL });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`).finally(() => admin.end());
  });

  it('two stores creating the same stream at once: one append wins, the other gets ConcurrencyError, and the stream holds the winner alone', async () => {
    for (let round = 0; round < 20; round++) {
      const s = streamId();
      const outcomes = await settled([
        a.append(s, transitions(2, 0, { actorId: 'a' }), { expectedVersion: 'no_stream' }),
        b.append(s, transitions(3, 0, { actorId: 'b' }), { expectedVersion: 'no_stream' }),
      ]);
      const won = outcomes.filter((o) => !(o instanceof Error));
      expect(won).toHaveLength(1);
      expect(outcomes.filter((o) => o instanceof ConcurrencyError)).toHaveLength(1);
      const events = await readStream(a, s);
      expect(events.map((e) => e.streamPosition)).toEqual(events.map((_, i) => i));
      expect(new Set(events.map((e) => e.metadata.actorId)).size).toBe(1);
    }
  });

  it('two stores appending to one stream with expectedVersion any: every event is stored once, at gap-free positions', async () => {
    const s = streamId();
    await Promise.all(
      [a, b].map(async (store, w) => {
        for (let i = 0; i < 25; i++) await store.append(s, [transitioned(i, { actorId: `w${w}` })]);
      }),
    );
    const events = await readStream(a, s);
    expect(events.map((e) => e.streamPosition)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    for (const w of ['w0', 'w1']) expect(tos(events.filter((e) => e.metadata.actorId === w))).toEqual(Array.from({ length: 25 }, (_, i) => `s${i}`));
  });

  it('in one batch, a conflicting append and a duplicate id fail alone; the other appends of the batch, to the same stream too, are written', async () => {
    const s = streamId();
    const other = streamId();
    const first = transitioned(0);
    await a.append(other, [first]);
    const outcomes = await settled([
      a.append(s, transitions(2, 0), { expectedVersion: 'no_stream' }),
      a.append(s, transitions(1, 2), { expectedVersion: 1 }),
      a.append(s, transitions(1, 9), { expectedVersion: 7 }),
      a.append(streamId(), [{ ...transitioned(0), eventId: first.eventId! }]),
    ]);
    expect(outcomes[0]).toMatchObject({ nextExpectedVersion: 1 });
    expect(outcomes[1]).toMatchObject({ nextExpectedVersion: 2 });
    expect(outcomes[2]).toBeInstanceOf(ConcurrencyError);
    expect(outcomes[3]).toBeInstanceOf(DuplicateEventIdError);
    expect(tos(await readStream(a, s))).toEqual(['s0', 's1', 's2']);
  });

  it('an append retried with the ids it stored returns the positions of the first write and stores nothing new', async () => {
    const s = streamId();
    const events = transitions(3);
    const first = await a.append(s, events, { expectedVersion: 'no_stream' });
    const again = await b.append(s, events, { expectedVersion: 'no_stream' });
    expect(again).toEqual(first);
    expect(await readStream(a, s)).toHaveLength(3);
  });
});

describe('postgres store: a schema written before versions were read from the events', () => {
  it('opens, appends after the stored events with expectedVersion, and drops what an earlier process would write through', async () => {
    const schema = `aigen_a_${randomBytes(6).toString('hex')}`;
    const q = pg.escapeIdentifier(schema);
    const admin = new pg.Client({ connectionString: BASE_URL });
    await admin.connect();
    try {
      const s = streamId();
      const first = await openPostgresStore({ connectionString: BASE_URL, schema });
      await first.append(s, transitions(2), { expectedVersion: 'no_stream' });
      await first.close();
      // The earlier layout: a version column on streams and the earlier append function.
      await admin.query(`ALTER TABLE ${q}.streams ADD COLUMN version bigint NOT NULL DEFAULT -1;
        CREATE FUNCTION ${q}.aigen_append_v1(text[], bigint[], integer[], integer[], uuid[], text[], text[], text[], uuid[])
        RETURNS void LANGUAGE sql AS 'SELECT'`);
      const store = await openPostgresStore({ connectionString: BASE_URL, schema });
      try {
        expect((await store.append(s, transitions(1), { expectedVersion: 1 })).nextExpectedVersion).toBe(2);
        expect(await store.streamVersion(s)).toBe(2);
        const columns = await admin.query<{ column_name: string }>(
          `SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'streams'`,
          [schema],
        );
        expect(columns.rows.map((r) => r.column_name)).toEqual(['stream_id']);
        const functions = await admin.query<{ proname: string }>(
          `SELECT proname FROM pg_proc WHERE pronamespace = $1::regnamespace AND proname LIKE 'aigen_append%'`,
          [schema],
        );
        expect(functions.rows.map((r) => r.proname)).toEqual(['aigen_append_v2']);
      } finally {
        await store.close();
      }
    } finally {
      await admin.query(`DROP SCHEMA IF EXISTS ${q} CASCADE`).finally(() => admin.end());
    }
  });
});
