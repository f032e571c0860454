import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../../src/errors.js';
import { aigenCodec } from '../../../src/events/codec.js';
import type { RecordedEvent } from '../../../src/events/envelope.js';
import type { EventStore } from '../../../src/store/eventStore.js';
import { openStore } from '../../../src/store/openStore.js';
import { decodePosition, openPostgresStore } from '../../../src/store/postgres/index.js';
import { schemaNames } from '../../../src/store/postgres/schema.js';
import { writeBatch } from '../../../src/store/postgres/writeBatch.js';
import { Collector, ids, readAll, streamId, transitioned, transitions } from '../../conformance/testEvents.js';

const BASE_URL = process.env.AIGEN_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const CONNECTIONS = 8;
const PER_TX = 5;
const ROUNDS = 3;
const POLL_MS = 40;

async function dropSchema(name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: BASE_URL });
  await admin.connect();
  try {
    await admin.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(name)} CASCADE`);
  } finally {
    await admin.end();
  }
}

describe('postgres store: transactions that commit out of order', () => {
  const schema = `aigen_o_${randomBytes(6).toString('hex')}`;
  const names = schemaNames(schema);
  let waiting: EventStore; // reads wait for older transactions (the default)
  let polling: EventStore; // reads never wait: subscribers rely on re-polling alone

  beforeAll(async () => {
    waiting = await openPostgresStore({ connectionString: BASE_URL, schema, pollIntervalMs: POLL_MS });
    polling = await openPostgresStore({ connectionString: BASE_URL, schema, pollIntervalMs: POLL_MS, visibilityWaitMs: 0 });
  });
  afterAll(async () => {
    await Promise.all([waiting?.close(), polling?.close()]);
    await dropSchema(schema);
  });

  /**
   * One round: 8 raw connections open transactions in order (so their xids ascend), insert
   * through the store's own batch SQL in reverse order (so the oldest transaction gets the highest
   * global_position), while the store appends normally; then they commit youngest first.
   */
  async function round(r: number, whileHeld: (committed: number) => void): Promise<void> {
    const clients = Array.from({ length: CONNECTIONS }, () => new pg.Client({ connectionString: BASE_URL }));
    try {
      await Promise.all(clients.map((c) => c.connect()));
      for (const c of clients) {
        await c.query('BEGIN');
        await c.query('SELECT pg_current_xact_id()');
      }
      for (let i = CONNECTIONS - 1; i >= 0; i--) {
        const events = transitions(PER_TX, 0, { actorId: `held-${r}-${i}` }).map((e) => aigenCodec.encode(e));
        const [outcome] = await writeBatch(clients[i]!, names, [{ streamId: `held-${r}-${i}`, events, expectedVersion: 'no_stream' }]);
        expect(outcome).not.toBeInstanceOf(Error);
      }
      // Appends through the store commit at once, but their transactions are younger than all held ones.
      await waiting.append(`live-${r}`, transitions(3));
      for (let i = CONNECTIONS - 1; i >= 0; i--) {
        await clients[i]!.query('COMMIT');
        if (i === 0) break;
        await delay(POLL_MS * 3); // let every subscriber poll while the oldest transaction is open
        whileHeld(CONNECTIONS - i);
        const early = (await readAll(polling)).filter((e) => e.streamId.startsWith(`held-${r}-`) || e.streamId === `live-${r}`);
        expect(early, 'committed events are invisible while an older transaction is open').toEqual([]);
      }
    } finally {
      await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
    }
  }

  it('8 connections committing in reverse: every subscriber sees every event exactly once, in one order', async () => {
    const subscribers = [
      new Collector(waiting.subscribe({ from: 'start' })),
      new Collector(polling.subscribe({ from: 'start' })),
    ];
    const filtered = new Collector(polling.subscribe({ filter: { streamPrefix: 'held-' } }));
    try {
      for (let r = 0; r < ROUNDS; r++) {
        await round(r, (committed) => {
          for (const c of [...subscribers, filtered]) {
            expect(c.error).toBeUndefined();
            expect(c.seen.some((e) => e.streamId.startsWith(`held-${r}-`) || e.streamId === `live-${r}`)).toBe(false);
          }
          if (r === 1 && committed === 4) {
            subscribers.push(new Collector(waiting.subscribe({ from: 'start' })), new Collector(polling.subscribe({ from: 'start' })));
          }
        });
      }
      subscribers.push(new Collector(polling.subscribe({ from: 'start' })));
      const sentinel = transitioned(0);
      // Last of all, also matching the filter: once a subscriber has it, it had its chance to see everything.
      await waiting.append(streamId('held-sentinel-'), [sentinel]);
      const hasSentinel = (seen: readonly RecordedEvent[]) => seen.some((e) => e.eventId === sentinel.eventId);
      await Promise.all([...subscribers, filtered].map((c) => c.until(hasSentinel)));

      const all = await readAll(waiting);
      expect(all).toHaveLength(ROUNDS * (CONNECTIONS * PER_TX + 3) + 1);
      expect(new Set(ids(all)).size).toBe(all.length);
      for (const c of subscribers) expect(ids(c.seen)).toEqual(ids(all));
      expect(ids(filtered.seen)).toEqual(ids(all.filter((e) => e.streamId.startsWith('held-'))));
      // Order is by transaction: each round's held streams 0..7 (oldest first), then its live append.
      const streams = all.map((e) => e.streamId).filter((s, i, a) => s !== a[i - 1]);
      const expectedRound = (r: number) => [...Array.from({ length: CONNECTIONS }, (_, i) => `held-${r}-${i}`), `live-${r}`];
      expect(streams.slice(0, -1)).toEqual(Array.from({ length: ROUNDS }, (_, r) => expectedRound(r)).flat());
      // The scenario really reorders: by global_position alone, held-r-0 came last of its round.
      const seqs = all.map((e) => BigInt(decodePosition(e.globalPosition).seq));
      expect(seqs.some((s, i) => i > 0 && s < seqs[i - 1]!)).toBe(true);
      // Tokens are fixed-width, so string order agrees with the store's order.
      const tokens = all.map((e) => e.globalPosition);
      expect([...tokens].sort()).toEqual(tokens);
    } finally {
      [...subscribers, filtered].forEach((c) => c.unsubscribe());
    }
  }, 60_000);

  it('a retry in the same batch returns the original positions; an unstorable stream id fails alone', async () => {
    const events = transitions(2);
    const s = streamId();
    const [first, retry, bad] = await Promise.allSettled([
      waiting.append(s, events, { expectedVersion: 'no_stream' }),
      waiting.append(s, events, { expectedVersion: 'no_stream' }),
      waiting.append('run-\u0000x', transitions(1)),
    ]);
    expect(first.status).toBe('fulfilled');
    expect(retry).toEqual(first);
    expect(bad).toMatchObject({ status: 'rejected', reason: { path: 'streamId' } });
    expect(await waiting.streamVersion(s)).toBe(1);
  });

  it('several processes migrating one new schema at once do not collide', async () => {
    const fresh = `${schema}_m`;
    const opened = await Promise.allSettled(
      Array.from({ length: 6 }, () => openPostgresStore({ connectionString: BASE_URL, schema: fresh, poolSize: 1 })),
    );
    const stores = opened.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
    try {
      expect(opened.filter((o) => o.status === 'rejected')).toEqual([]);
      await stores[0]!.append('run-m', transitions(1));
      expect(await stores[5]!.streamVersion('run-m')).toBe(0);
    } finally {
      await Promise.all(stores.map((st) => st.close()));
      await dropSchema(fresh);
    }
  });

  it('an unreachable database fails at open with StoreUnavailableError, password masked', async () => {
    const err = await openStore('postgres://aigen:s3cret@127.0.0.1:1/test?schema=x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreUnavailableError);
    expect((err as Error).message).toMatch(/cannot reach event store postgres:\/\/aigen:\*\*\*@127\.0\.0\.1:1\/test/);
    expect((err as Error).message).toMatch(/ECONNREFUSED/);
    expect((err as Error).message).not.toContain('s3cret');
  });
});
