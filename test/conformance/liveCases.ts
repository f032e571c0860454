import { setTimeout as delay } from 'node:timers/promises';
import { expect } from 'vitest';
import type { RecordedEvent } from '../../src/events/envelope.js';
import { ConcurrencyError, DuplicateEventIdError } from '../../src/store/errors.js';
import type { EventStore, ExpectedVersion } from '../../src/store/eventStore.js';
import { CASES } from './cases.js';
import type { SuiteContext } from './eventStore.conformance.js';
import { Collector, ids, readAll, readStream, streamId, taskSent, tos, transitioned, transitions } from './testEvents.js';

const WRITERS = 8;
const PER_WRITER = 500;

export function liveCases({ store, harness, openExtra, test }: SuiteContext): void {
  test(CASES.groupCommit, async () => {
    const [a, b, c, d, e] = [streamId(), streamId(), streamId(), streamId(), streamId()];
    await store().append(c, transitions(1));
    const taken = transitioned(0);
    // No await between these: they are issued in the same tick and share a batch.
    const outcomes = await Promise.allSettled([
      store().append(a, transitions(2), { expectedVersion: 'no_stream' }),
      store().append(b, [taken], { expectedVersion: 'no_stream' }),
      store().append(c, transitions(1, 1), { expectedVersion: 5 }),
      store().append(d, transitions(1), { expectedVersion: 'any' }),
      store().append(e, [transitioned(0), { ...taken }], { expectedVersion: 'no_stream' }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'rejected']);
    const reason = (i: number): unknown => (outcomes[i] as PromiseRejectedResult).reason;
    expect(reason(2)).toBeInstanceOf(ConcurrencyError);
    expect(reason(2)).toMatchObject({ streamId: c, expected: 5, actual: 0 });
    expect(reason(4)).toBeInstanceOf(DuplicateEventIdError);
    expect(tos(await readStream(store(), a))).toEqual(['s0', 's1']);
    expect(ids(await readStream(store(), b))).toEqual([taken.eventId]);
    expect(tos(await readStream(store(), c))).toEqual(['s0']);
    expect(tos(await readStream(store(), d))).toEqual(['s0']);
    expect(await store().streamVersion(e)).toBeUndefined();
  });

  test(CASES.groupSameStream, async () => {
    const s = streamId();
    const outcomes = await Promise.allSettled([
      store().append(s, [transitioned(0)], { expectedVersion: 'no_stream' }),
      store().append(s, [transitioned(1)], { expectedVersion: 0 }),
      store().append(s, [transitioned(9)], { expectedVersion: 'no_stream' }),
      store().append(s, [transitioned(2)], { expectedVersion: 1 }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[2] as PromiseRejectedResult).reason).toMatchObject({ expected: 'no_stream', actual: 1 });
    expect(tos(await readStream(store(), s))).toEqual(['s0', 's1', 's2']);
  });

  test(
    CASES.concurrentWriters,
    async () => {
      const url = harness.url();
      // Separate instances (connections) on the same database when the adapter has a URL.
      const writers: EventStore[] = [];
      for (let w = 0; w < WRITERS; w++) writers.push(url ? await openExtra(url) : store());
      const reader = url ? await openExtra(url) : store();
      const total = WRITERS * PER_WRITER;
      const subscribers: Collector[] = [new Collector(reader.subscribe({ from: 'start' }))];
      let acked = 0;
      const write = async (w: number): Promise<void> => {
        const s = streamId(`run-w${w}-`);
        let v: ExpectedVersion = 'no_stream';
        for (let i = 0, k = 0; i < PER_WRITER; k++) {
          const n = Math.min(1 + ((k + w) % 4), PER_WRITER - i);
          v = (await writers[w]!.append(s, transitions(n, i, { actorId: `w${w}` }), { expectedVersion: v })).nextExpectedVersion;
          i += n;
          acked += n;
          if (acked >= total / 2 && subscribers.length === 1) subscribers.push(new Collector(reader.subscribe({ from: 'start' })));
        }
      };
      try {
        await Promise.all(Array.from({ length: WRITERS }, (_, w) => write(w)));
        subscribers.push(new Collector(reader.subscribe({ from: 'start' })));
        expect(subscribers).toHaveLength(3);
        // A sentinel after everything: once a subscriber has it, it has had its chance to see it all.
        const sentinel = transitioned(0);
        await store().append(streamId('sentinel-'), [sentinel]);
        await Promise.all(subscribers.map((c) => c.until((seen) => seen.some((e) => e.eventId === sentinel.eventId))));
        const all = await readAll(reader);
        expect(all).toHaveLength(total + 1);
        expect(new Set(ids(all)).size).toBe(total + 1);
        for (let w = 0; w < WRITERS; w++) {
          const mine = all.filter((e) => e.metadata.actorId === `w${w}`);
          expect(tos(mine)).toEqual(Array.from({ length: PER_WRITER }, (_, i) => `s${i}`));
        }
        for (const c of subscribers) expect(ids(c.seen)).toEqual(ids(all));
      } finally {
        subscribers.forEach((c) => c.unsubscribe());
      }
    },
    60_000,
  );

  test(CASES.subscribeStream, async () => {
    const [a, b] = [streamId(), streamId()];
    await store().append(a, transitions(3));
    await store().append(b, transitions(3));
    const c = new Collector(store().subscribe({ streamId: a }));
    try {
      await c.until((seen) => seen.length >= 3);
      await store().append(b, transitions(2, 3));
      await store().append(a, transitions(2, 3));
      await c.until((seen) => seen.length >= 5);
      await store().append(a, [transitioned(5)]);
      await c.until((seen) => seen.length >= 6);
      expect(c.seen.every((e) => e.streamId === a)).toBe(true);
      expect(tos(c.seen)).toEqual(['s0', 's1', 's2', 's3', 's4', 's5']);
    } finally {
      c.unsubscribe();
    }
  });

  test(CASES.subscribeEnd, async () => {
    const s = streamId();
    const old = transitions(3);
    await store().append(s, old);
    const c = new Collector(store().subscribe({ from: 'end' }));
    const live: string[] = [];
    try {
      // 'end' is "from about now": append until the subscription has certainly started.
      for (let i = 3; c.seen.length === 0 && c.error === undefined; i++) {
        const e = transitioned(i);
        live.push(e.eventId!);
        await store().append(s, [e]);
        await delay(20);
      }
      const more = transitions(3, 100);
      live.push(...more.map((e) => e.eventId!));
      await store().append(s, more);
      await c.until((seen) => seen.length > 0 && seen[seen.length - 1]!.eventId === live[live.length - 1]);
      const seen = ids(c.seen);
      expect(seen.some((id) => old.some((e) => e.eventId === id))).toBe(false);
      expect(seen).toEqual(live.slice(live.length - seen.length));
    } finally {
      c.unsubscribe();
    }
  });

  test(CASES.subscribePosition, async () => {
    const s = streamId();
    const r = await store().append(s, transitions(10));
    const c = new Collector(store().subscribe({ from: r.positions[4] }));
    try {
      await c.until((seen) => seen.length >= 5);
      await store().append(s, transitions(2, 10));
      await c.until((seen) => seen.length >= 7);
      expect(tos(c.seen)).toEqual(['s5', 's6', 's7', 's8', 's9', 's10', 's11']);
    } finally {
      c.unsubscribe();
    }
  });

  test(CASES.subscribeFilter, async () => {
    await store().append('run-f1', [transitioned(0), taskSent('a')]);
    await store().append('other-f2', [taskSent('b')]);
    const c = new Collector(store().subscribe({ filter: { streamPrefix: 'run-', types: ['TaskSent'] } }));
    const one = new Collector(store().subscribe({ streamId: 'run-f3', filter: { types: ['TaskSent'] } }));
    try {
      await store().append('other-f2', [taskSent('c')]);
      await store().append('run-f3', [transitioned(0), taskSent('d')]);
      await store().append('run-f1', [taskSent('e')]);
      await c.until((seen) => seen.length >= 3);
      await one.until((seen) => seen.length >= 1);
      const view = (e: RecordedEvent) => `${e.streamId}:${String((e.data as { input: unknown }).input)}`;
      expect(c.seen.map(view)).toEqual(['run-f1:a', 'run-f3:d', 'run-f1:e']);
      expect(one.seen.map(view)).toEqual(['run-f3:d']);
    } finally {
      c.unsubscribe();
      one.unsubscribe();
    }
  });

  test(CASES.subscribeCloses, async () => {
    const c = new Collector(store().subscribe({ from: 'start' }));
    await store().append(streamId(), transitions(2));
    await c.until((seen) => seen.length >= 2);
    await store().close();
    await c.ended();
    expect(c.completed).toBe(true);
    expect(c.error).toBeUndefined();
  });
}
