import { expect } from 'vitest';
import { MAX_EVENT_BYTES } from '../../src/events/envelope.js';
import type { EventStore } from '../../src/store/eventStore.js';
import { CASES } from './cases.js';
import type { SuiteContext } from './eventStore.conformance.js';
import { Collector, readAll, readStream, streamId, taskSent, tos, transitioned, transitions } from './testEvents.js';

const range = (from: number, to: number): string[] =>
  from <= to
    ? Array.from({ length: to - from + 1 }, (_, i) => `s${from + i}`)
    : Array.from({ length: from - to + 1 }, (_, i) => `s${from - i}`);

async function streamOf(store: EventStore, count: number): Promise<string> {
  const s = streamId();
  await store.append(s, transitions(count), { expectedVersion: 'no_stream' });
  return s;
}

export function readCases({ store, test }: SuiteContext): void {
  test(CASES.envelope, async () => {
    const s = streamId();
    const e = transitioned(0, { actorId: 'agent-7' });
    const r = await store().append(s, [e], { expectedVersion: 'no_stream' });
    const [read] = await readStream(store(), s);
    expect(read).toMatchObject({
      eventId: e.eventId,
      streamId: s,
      streamPosition: 0,
      globalPosition: r.positions[0],
      type: 'Transitioned',
      data: e.data,
      metadata: { actorId: 'agent-7', schemaVersion: 1 },
    });
    expect(typeof read!.globalPosition).toBe('string');
    expect(Number.isNaN(Date.parse(read!.metadata.recordedAt))).toBe(false);
    expect(await readAll(store())).toEqual([read]);
  });

  test(CASES.readForwards, async () => {
    const s = await streamOf(store(), 10);
    expect(tos(await readStream(store(), s))).toEqual(range(0, 9));
    expect(tos(await readStream(store(), s, { from: 3 }))).toEqual(range(3, 9));
    expect(tos(await readStream(store(), s, { to: 5 }))).toEqual(range(0, 5));
    expect(tos(await readStream(store(), s, { from: 2, to: 4 }))).toEqual(range(2, 4));
    expect(tos(await readStream(store(), s, { limit: 3 }))).toEqual(range(0, 2));
    expect(tos(await readStream(store(), s, { from: 8, limit: 5 }))).toEqual(range(8, 9));
    expect(tos(await readStream(store(), s, { from: 10 }))).toEqual([]);
    expect(tos(await readStream(store(), s, { limit: 0 }))).toEqual([]);
  });

  test(CASES.readBackwards, async () => {
    const s = await streamOf(store(), 10);
    const back = { direction: 'backwards' } as const;
    expect(tos(await readStream(store(), s, back))).toEqual(range(9, 0));
    expect(tos(await readStream(store(), s, { ...back, from: 7 }))).toEqual(range(7, 0));
    expect(tos(await readStream(store(), s, { ...back, to: 6 }))).toEqual(range(9, 6));
    expect(tos(await readStream(store(), s, { ...back, from: 7, to: 5 }))).toEqual(range(7, 5));
    expect(tos(await readStream(store(), s, { ...back, limit: 2 }))).toEqual(range(9, 8));
    expect(tos(await readStream(store(), s, { ...back, from: 1, limit: 5 }))).toEqual(range(1, 0));
    expect(tos(await readStream(store(), s, { ...back, from: 20, to: 8 }))).toEqual(range(9, 8));
  });

  test(CASES.readAllFromLimit, async () => {
    const a = streamId();
    const b = streamId();
    const ra = await store().append(a, transitions(3));
    await store().append(b, transitions(2));
    await store().append(a, transitions(1, 3));
    const all = await readAll(store());
    expect(all.map((e) => `${e.streamId === a ? 'a' : 'b'}${e.streamPosition}`)).toEqual(['a0', 'a1', 'a2', 'b0', 'b1', 'a3']);
    const afterFirst = await readAll(store(), { from: ra.positions[0] });
    expect(afterFirst).toEqual(all.slice(1));
    expect(await readAll(store(), { from: all[3]!.globalPosition, limit: 1 })).toEqual(all.slice(4, 5));
    expect(await readAll(store(), { from: 'start', limit: 2 })).toEqual(all.slice(0, 2));
    expect(await readAll(store(), { from: all[5]!.globalPosition })).toEqual([]);
  });

  test(CASES.readAllFilters, async () => {
    await store().append('run-a', [transitioned(0), taskSent()]);
    await store().append('other-b', [transitioned(0), taskSent()]);
    await store().append('x_1', [transitioned(0)]);
    await store().append('xa1', [transitioned(0)]);
    await store().append('run-c', [taskSent()]);
    await store().append('x%1', [transitioned(0)]);
    const view = async (filter: { streamPrefix?: string; types?: string[] }) =>
      (await readAll(store(), { filter })).map((e) => `${e.streamId}:${e.type}`);
    expect(await view({ streamPrefix: 'run-' })).toEqual(['run-a:Transitioned', 'run-a:TaskSent', 'run-c:TaskSent']);
    expect(await view({ types: ['TaskSent'] })).toEqual(['run-a:TaskSent', 'other-b:TaskSent', 'run-c:TaskSent']);
    expect(await view({ streamPrefix: 'run-', types: ['Transitioned'] })).toEqual(['run-a:Transitioned']);
    expect(await view({ types: ['TaskSent', 'Transitioned'], streamPrefix: 'other' })).toEqual([
      'other-b:Transitioned',
      'other-b:TaskSent',
    ]);
    // Prefixes are literal: no LIKE/GLOB wildcards.
    expect(await view({ streamPrefix: 'x_' })).toEqual(['x_1:Transitioned']);
    expect(await view({ streamPrefix: 'x%' })).toEqual(['x%1:Transitioned']);
    expect(await view({ streamPrefix: 'nothing-' })).toEqual([]);
    expect(await view({ types: ['RunCompleted'] })).toEqual([]);
  });

  test(
    CASES.paging,
    async () => {
      const s = streamId();
      let v: number | 'no_stream' = 'no_stream';
      for (const [start, n] of [[0, 300], [300, 300], [600, 300], [900, 303]] as const) {
        v = (await store().append(s, transitions(n, start), { expectedVersion: v })).nextExpectedVersion;
      }
      await store().append(streamId('other-'), transitions(5));
      expect(tos(await readStream(store(), s))).toEqual(range(0, 1202));
      expect(tos(await readStream(store(), s, { direction: 'backwards' }))).toEqual(range(1202, 0));
      expect(tos(await readStream(store(), s, { from: 450, limit: 600 }))).toEqual(range(450, 1049));
      expect(tos(await readStream(store(), s, { direction: 'backwards', from: 1100, to: 100 }))).toEqual(range(1100, 100));
      const all = await readAll(store());
      expect(all).toHaveLength(1208);
      expect(tos(all.slice(0, 1203))).toEqual(range(0, 1202));
      expect(await readAll(store(), { limit: 700 })).toEqual(all.slice(0, 700));
      expect(await readAll(store(), { from: all[599]!.globalPosition })).toEqual(all.slice(600));
      expect(tos(await readAll(store(), { filter: { streamPrefix: 'run-' }, from: all[99]!.globalPosition }))).toEqual(
        range(100, 1202),
      );
    },
    30_000,
  );

  test(CASES.readAllEnvelopeOnly, async () => {
    const s = streamId();
    await store().append(s, [transitioned(0), taskSent(), transitioned(1)]);
    const full = await readAll(store(), { filter: { streamPrefix: s } });
    const lean = await readAll(store(), { filter: { streamPrefix: s }, envelopeOnly: ['Transitioned'] });
    expect(lean.map((e) => [e.type, e.streamPosition, e.globalPosition, e.eventId])).toEqual(full.map((e) => [e.type, e.streamPosition, e.globalPosition, e.eventId]));
    expect(lean[1]).toEqual(full[1]);
    for (const i of [0, 2]) expect(lean[i]).toMatchObject({ streamId: s, data: undefined, metadata: {} });
    expect(await readAll(store(), { filter: { streamPrefix: s }, envelopeOnly: [] })).toEqual(full);
  });

  test(CASES.missingStream, async () => {
    await store().append(streamId(), transitions(2));
    const missing = streamId('missing-');
    expect(await readStream(store(), missing)).toEqual([]);
    expect(await readStream(store(), missing, { direction: 'backwards' })).toEqual([]);
    expect(await store().streamVersion(missing)).toBeUndefined();
    expect(await readAll(store(), { filter: { streamPrefix: 'missing-' } })).toEqual([]);
  });

  test(CASES.head, async () => {
    expect(await store().headPosition()).toBeUndefined();
    expect(await readAll(store())).toEqual([]);
    await store().append(streamId(), transitions(2));
    const r = await store().append(streamId(), transitions(3));
    expect(await store().headPosition()).toBe(r.positions[2]);
    expect(await readAll(store(), { from: r.positions[2] })).toEqual([]);
  });

  test(CASES.largeEvent, async () => {
    const s = streamId();
    const collector = new Collector(store().subscribe({ streamId: s, from: 'start' }));
    try {
      // 3 MiB of ASCII, then close to the limit in 3-byte characters (fewer UTF-16 units than bytes).
      const big = 'x'.repeat(3 * 1024 * 1024);
      const wide = '€'.repeat(Math.floor((MAX_EVENT_BYTES - 4096) / 3));
      await store().append(s, [taskSent(big)], { expectedVersion: 'no_stream' });
      await store().append(s, [taskSent(wide), transitioned(1)], { expectedVersion: 0 });
      const back = await readStream(store(), s);
      expect(back.map((e) => e.type)).toEqual(['TaskSent', 'TaskSent', 'Transitioned']);
      expect((back[0]!.data as { input: string }).input === big).toBe(true);
      expect((back[1]!.data as { input: string }).input === wide).toBe(true);
      await collector.until((seen) => seen.length === 3);
      expect((collector.seen[1]!.data as { input: string }).input === wide).toBe(true);
    } finally {
      collector.unsubscribe();
    }
  }, 120_000);
}
