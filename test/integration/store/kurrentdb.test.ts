import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreUnavailableError, ValidationError } from '../../../src/errors.js';
import { ConcurrencyError, DuplicateEventIdError } from '../../../src/store/errors.js';
import type { EventStore } from '../../../src/store/eventStore.js';
import { openKurrentStore } from '../../../src/store/kurrentdb/index.js';
import { parseKurrentUrl } from '../../../src/store/kurrentdb/url.js';
import { openStore } from '../../../src/store/openStore.js';
import { startKurrentDouble, type KurrentDouble } from '../../support/kurrentdb/server.js';
import { rejectionOf } from '../../conformance/appendCases.js';
import { Collector, readAll, readStream, streamId, tos, transitioned, transitions } from '../../conformance/testEvents.js';

/** The adapter's own behaviour, against the KurrentDB test double (which can drop subscriptions). */
let double: KurrentDouble;
let store: EventStore;
let ns: string;

beforeEach(async () => {
  double = await startKurrentDouble();
  ns = `t${randomBytes(4).toString('hex')}.`;
  store = await openStore(`${double.url}&namespace=${ns}`);
});
afterEach(async () => {
  await store.close();
  await double.close();
});

describe('position tokens', () => {
  it('are the $all commit/prepare positions of the events, and work as from in readAll and subscribe', async () => {
    const s = streamId();
    const r = await store.append(s, transitions(4));
    const inLog = double.log.stream(ns + s)!;
    expect(r.positions).toEqual(inLog.map((rec) => `${rec.position.toString().padStart(20, '0')}/${rec.position.toString().padStart(20, '0')}`));
    expect(tos(await readAll(store, { from: r.positions[1] }))).toEqual(['s2', 's3']);
    const c = new Collector(store.subscribe({ from: r.positions[2] }));
    try {
      await c.until((seen) => seen.length >= 1);
      await store.append(s, [transitioned(4)]);
      await c.until((seen) => seen.length >= 2);
      expect(tos(c.seen)).toEqual(['s3', 's4']);
      expect(c.seen[0]!.globalPosition).toBe(r.positions[3]);
    } finally {
      c.unsubscribe();
    }
  });

  it('rejects a token of another store with a ValidationError', async () => {
    const err = await rejectionOf(readAll(store, { from: '00000000000000000751:0000000000000000042' }));
    expect(err).toBeInstanceOf(ValidationError);
    const c = new Collector(store.subscribe({ from: 'not-a-position' }));
    await c.ended();
    expect(c.error).toBeInstanceOf(ValidationError);
  });
});

describe('expected version <-> expected stream state on the wire', () => {
  it('sends any, no_stream, stream_exists and exact revisions as KurrentDB stream states', async () => {
    const s = streamId();
    await store.append(s, transitions(1), { expectedVersion: 'no_stream' });
    await store.append(s, transitions(1, 1), { expectedVersion: 'stream_exists' });
    await store.append(s, transitions(1, 2), { expectedVersion: 1 });
    await store.append(s, transitions(1, 3));
    const mine = double.appends.filter((a) => a.stream === ns + s);
    // The double lists BatchAppend among its features, as current servers do: the client uses it.
    expect(mine.map((a) => a.via)).toEqual(['batchAppend', 'batchAppend', 'batchAppend', 'batchAppend']);
    expect(mine.map((a) => a.expected)).toEqual([
      { kind: 'no_stream' },
      { kind: 'stream_exists' },
      { kind: 'revision', revision: 1 },
      { kind: 'any' },
    ]);
  });

  it("maps the server's wrong-expected-version answers to ConcurrencyError with expected and actual", async () => {
    const s = streamId();
    await store.append(s, transitions(5));
    for (const [expected, actual] of [[2, 4], ['no_stream', 4], [9, 4]] as const) {
      const err = await rejectionOf(store.append(s, transitions(1, 5), { expectedVersion: expected }));
      expect(err).toBeInstanceOf(ConcurrencyError);
      expect(err).toMatchObject({ streamId: s, expected, actual });
    }
    const missing = streamId();
    for (const expected of ['stream_exists', 0] as const) {
      const err = await rejectionOf(store.append(missing, transitions(1), { expectedVersion: expected }));
      expect(err).toMatchObject({ streamId: missing, expected, actual: 'no_stream' });
    }
    expect(tos(await readStream(store, s))).toEqual(['s0', 's1', 's2', 's3', 's4']);
  });

  it('reports a batch that repeats some stored ids of the stream but not all as DuplicateEventIdError', async () => {
    const s = streamId();
    const [a, b] = transitions(2);
    await store.append(s, [a!, b!]);
    // The server refuses it ("corrupted idempotency") with a wrong expected version although 'any' was asked.
    const err = await rejectionOf(store.append(s, [b!, transitioned(2)]));
    expect(err).toBeInstanceOf(DuplicateEventIdError);
    // The server takes the reordered ids for a retry; their revisions do not hold them in this order.
    expect(await rejectionOf(store.append(s, [b!, a!]))).toBeInstanceOf(DuplicateEventIdError);
    expect(tos(await readStream(store, s))).toEqual(['s0', 's1']);
  });

  it('lets one append of a group commit conflict alone while the others are written', async () => {
    const [a, b, c] = [streamId(), streamId(), streamId()];
    await store.append(c, transitions(1));
    const outcomes = await Promise.allSettled([
      store.append(a, transitions(2), { expectedVersion: 'no_stream' }),
      store.append(c, transitions(1, 1), { expectedVersion: 5 }),
      store.append(b, transitions(1), { expectedVersion: 'any' }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toMatchObject({ streamId: c, expected: 5, actual: 0 });
    expect(tos(await readStream(store, a))).toEqual(['s0', 's1']);
    expect(tos(await readStream(store, c))).toEqual(['s0']);
  });
});

describe('the plain Append call (servers without BatchAppend)', () => {
  it('maps expected states and conflicts the same way', async () => {
    const older = await startKurrentDouble({ batchAppend: false });
    const st = await openStore(`${older.url}&namespace=${ns}`);
    try {
      const s = streamId();
      const r = await st.append(s, transitions(2), { expectedVersion: 'no_stream' });
      expect(await st.append(s, transitions(2), { expectedVersion: 'no_stream' }).catch((e: unknown) => e)).toMatchObject({
        expected: 'no_stream',
        actual: 1,
      });
      await st.append(s, transitions(1, 2), { expectedVersion: 1 });
      expect(older.appends.map((a) => a.via)).toEqual(['append', 'append', 'append']);
      expect(older.appends.map((a) => a.expected)).toEqual([{ kind: 'no_stream' }, { kind: 'no_stream' }, { kind: 'revision', revision: 1 }]);
      expect((await readAll(st)).map((e) => e.globalPosition).slice(0, 2)).toEqual(r.positions);
      expect(tos(await readStream(st, s))).toEqual(['s0', 's1', 's2']);
    } finally {
      await st.close();
      await older.close();
    }
  });
});

describe('stored form', () => {
  it('writes JSON events under <namespace><streamId> with the envelope metadata as the event metadata', async () => {
    const s = streamId();
    const e = transitioned(0, { actorId: 'agent-3' });
    await store.append(s, [e]);
    const [rec] = double.log.stream(ns + s)!;
    expect(rec).toMatchObject({ eventId: e.eventId, type: 'Transitioned', contentType: 'application/json', revision: 0 });
    expect(JSON.parse(Buffer.from(rec!.data).toString('utf8'))).toEqual(e.data);
    const meta = JSON.parse(Buffer.from(rec!.customMetadata).toString('utf8')) as Record<string, unknown>;
    expect(meta).toMatchObject({ actorId: 'agent-3', schemaVersion: 1, recordedAt: expect.any(String) as unknown });
    // The double's system event ($$$scavenges) and other namespaces stay out of reads.
    const other = await openStore(`${double.url}&namespace=other.`);
    try {
      await other.append(s, transitions(2));
      expect((await readAll(store)).map((x) => x.eventId)).toEqual([e.eventId]);
      expect(await other.streamVersion(s)).toBe(1);
    } finally {
      await other.close();
    }
  });
});

describe('subscriptions when the server drops them', () => {
  it('resubscribe after the last delivered event: nothing lost, nothing repeated', async () => {
    const s = streamId();
    await store.append(s, transitions(3));
    const all = new Collector(store.subscribe({ from: 'start' }));
    const one = new Collector(store.subscribe({ streamId: s }));
    const live = new Collector(store.subscribe({ from: 'end' }));
    try {
      await all.until((seen) => seen.length >= 3);
      await one.until((seen) => seen.length >= 3);
      await waitFor(() => double.subscriptionCount() === 3);
      expect(double.dropSubscriptions()).toBe(3);
      await store.append(s, transitions(2, 3));
      await store.append(streamId(), transitions(1));
      await all.until((seen) => seen.length >= 6);
      await one.until((seen) => seen.length >= 5);
      await live.until((seen) => seen.length >= 3);
      // A second drop while live.
      await waitFor(() => double.subscriptionCount() === 3);
      expect(double.dropSubscriptions()).toBe(3);
      await store.append(s, [transitioned(5)]);
      await all.until((seen) => seen.length >= 7);
      await one.until((seen) => seen.length >= 6);
      await live.until((seen) => seen.length >= 4);
      expect(tos(one.seen)).toEqual(['s0', 's1', 's2', 's3', 's4', 's5']);
      expect(all.seen.map((e) => e.eventId)).toEqual((await readAll(store)).map((e) => e.eventId));
      expect(live.seen.map((e) => e.eventId)).toEqual(all.seen.slice(3).map((e) => e.eventId));
      expect([all, one, live].map((c) => c.error)).toEqual([undefined, undefined, undefined]);
    } finally {
      [all, one, live].forEach((c) => c.unsubscribe());
    }
  });

  it('fail with StoreUnavailableError once the server stays away', async () => {
    const { connectionString } = parseKurrentUrl(double.url);
    const fragile = await openKurrentStore({ connectionString, namespace: ns, reconnectAttempts: 2, reconnectDelayMs: 20 });
    try {
      await fragile.append(streamId(), transitions(1));
      const c = new Collector(fragile.subscribe({ from: 'start' }));
      await c.until((seen) => seen.length >= 1);
      await double.close();
      await c.ended();
      expect(c.error).toBeInstanceOf(StoreUnavailableError);
    } finally {
      await fragile.close();
    }
  });
});

describe('opening', () => {
  it('kurrentdb+discover:// finds the leader through gossip', async () => {
    const cluster = await openStore(`${double.url.replace('kurrentdb://', 'kurrentdb+discover://')}&namespace=${ns}`);
    try {
      const s = streamId();
      await cluster.append(s, transitions(2), { expectedVersion: 'no_stream' });
      expect(tos(await readStream(store, s))).toEqual(['s0', 's1']);
      expect(tos(await readStream(cluster, s))).toEqual(['s0', 's1']);
      expect(double.gossipReads()).toBeGreaterThan(0);
    } finally {
      await cluster.close();
    }
  });

  it('an unreachable server fails at open with StoreUnavailableError', async () => {
    const err = await rejectionOf(openStore('kurrentdb://127.0.0.1:9?tls=false'));
    expect(err).toBeInstanceOf(StoreUnavailableError);
    expect((err as Error).message).toMatch(/cannot reach event store kurrentdb:\/\/127\.0\.0\.1:9/);
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 10));
}
