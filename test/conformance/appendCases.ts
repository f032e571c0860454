import { expect } from 'vitest';
import type { RecordedEvent } from '../../src/events/envelope.js';
import { ConcurrencyError, DuplicateEventIdError } from '../../src/store/errors.js';
import type { AppendResult, EventStore, ExpectedVersion } from '../../src/store/eventStore.js';
import { CASES } from './cases.js';
import type { SuiteContext } from './eventStore.conformance.js';
import { readAll, readStream, streamId, tos, transitioned, transitions } from './testEvents.js';

/** The rejection of `p` (fails the test when `p` resolves). */
export async function rejectionOf(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    (value) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
    },
    (err: unknown) => err,
  );
}

/** Everything observable about the store, to prove that a failed append wrote nothing. */
async function snapshot(store: EventStore, stream: string): Promise<unknown> {
  const all = await readAll(store);
  return {
    version: await store.streamVersion(stream),
    head: await store.headPosition(),
    stream: (await readStream(store, stream)).map((e) => e.eventId),
    all: all.map((e: RecordedEvent) => e.eventId),
  };
}

async function expectConflict(
  store: EventStore,
  stream: string,
  append: () => Promise<AppendResult>,
  expected: ExpectedVersion,
  actual: number | 'no_stream',
): Promise<void> {
  const before = await snapshot(store, stream);
  const err = await rejectionOf(append());
  expect(err).toBeInstanceOf(ConcurrencyError);
  expect(err).toMatchObject({ code: 'WRONG_EXPECTED_VERSION', streamId: stream, expected, actual });
  expect(await snapshot(store, stream)).toEqual(before);
}

export function appendCases({ store, test }: SuiteContext): void {
  test(CASES.anyVersion, async () => {
    const s = streamId();
    const r1 = await store().append(s, transitions(2), { expectedVersion: 'any' });
    expect(r1.nextExpectedVersion).toBe(1);
    expect(r1.positions).toHaveLength(2);
    const r2 = await store().append(s, transitions(1, 2), { expectedVersion: 'any' });
    expect(r2.nextExpectedVersion).toBe(2);
    await store().append(s, transitions(1, 3)); // 'any' is the default
    expect(tos(await readStream(store(), s))).toEqual(['s0', 's1', 's2', 's3']);
  });

  test(CASES.noStreamOk, async () => {
    const s = streamId();
    const r = await store().append(s, transitions(3), { expectedVersion: 'no_stream' });
    expect(r.nextExpectedVersion).toBe(2);
    expect(await store().streamVersion(s)).toBe(2);
  });

  test(CASES.noStreamConflict, async () => {
    const s = streamId();
    await store().append(s, transitions(2), { expectedVersion: 'no_stream' });
    await expectConflict(store(), s, () => store().append(s, transitions(1, 2), { expectedVersion: 'no_stream' }), 'no_stream', 1);
  });

  test(CASES.existsOk, async () => {
    const s = streamId();
    await store().append(s, transitions(1));
    const r = await store().append(s, transitions(2, 1), { expectedVersion: 'stream_exists' });
    expect(r.nextExpectedVersion).toBe(2);
    expect(tos(await readStream(store(), s))).toEqual(['s0', 's1', 's2']);
  });

  test(CASES.existsConflict, async () => {
    const s = streamId();
    await store().append(streamId(), transitions(1)); // the store is not empty, this stream is missing
    await expectConflict(
      store(),
      s,
      () => store().append(s, transitions(1), { expectedVersion: 'stream_exists' }),
      'stream_exists',
      'no_stream',
    );
  });

  test(CASES.exactOk, async () => {
    const s = streamId();
    const r1 = await store().append(s, transitions(2));
    const r2 = await store().append(s, transitions(2, 2), { expectedVersion: r1.nextExpectedVersion });
    expect(r2.nextExpectedVersion).toBe(3);
    const r3 = await store().append(s, transitions(1, 4), { expectedVersion: 3 });
    expect(r3.nextExpectedVersion).toBe(4);
    expect(tos(await readStream(store(), s))).toEqual(['s0', 's1', 's2', 's3', 's4']);
  });

  test(CASES.exactStale, async () => {
    const s = streamId();
    await store().append(s, transitions(3));
    await expectConflict(store(), s, () => store().append(s, transitions(4, 3), { expectedVersion: 1 }), 1, 2);
    await expectConflict(store(), s, () => store().append(s, transitions(1, 3), { expectedVersion: 5 }), 5, 2);
  });

  test(CASES.exactMissing, async () => {
    const s = streamId();
    await expectConflict(store(), s, () => store().append(s, transitions(1), { expectedVersion: 0 }), 0, 'no_stream');
  });

  test(CASES.idempotent, async () => {
    const s = streamId();
    const first = transitions(2);
    const second = [transitioned(2)];
    const r1 = await store().append(s, first, { expectedVersion: 'no_stream' });
    const r2 = await store().append(s, second, { expectedVersion: 1 });
    const head = await store().headPosition();
    // Retries carry the original (now stale) expectedVersion; they still return the original result.
    expect(await store().append(s, first, { expectedVersion: 'no_stream' })).toEqual(r1);
    expect(await store().append(s, first)).toEqual(r1);
    expect(await store().append(s, second, { expectedVersion: 1 })).toEqual(r2);
    expect(tos(await readStream(store(), s))).toEqual(['s0', 's1', 's2']);
    expect(await store().headPosition()).toBe(head);
  });

  test(CASES.dupElsewhere, async () => {
    const a = transitioned(0);
    const s1 = streamId();
    const s2 = streamId();
    await store().append(s1, [a]);
    const before = await snapshot(store(), s2);
    for (const batch of [[a], [transitioned(0), a]]) {
      const err = await rejectionOf(store().append(s2, batch));
      expect(err).toBeInstanceOf(DuplicateEventIdError);
      expect(err).toMatchObject({ code: 'DUPLICATE_EVENT_ID', eventId: a.eventId });
      expect(await snapshot(store(), s2)).toEqual(before);
    }
    expect(await store().streamVersion(s2)).toBeUndefined();
  });

  test(CASES.dupOtherPositions, async () => {
    const s = streamId();
    const a = transitioned(0);
    const b = transitioned(1);
    await store().append(s, [a, b]);
    const before = await snapshot(store(), s);
    for (const batch of [[b, a], [b, transitioned(2)], [transitioned(2), a]]) {
      const err = await rejectionOf(store().append(s, batch));
      expect(err).toBeInstanceOf(DuplicateEventIdError);
      expect(await snapshot(store(), s)).toEqual(before);
    }
  });

  test(CASES.gapFree, async () => {
    const streams = [streamId(), streamId('order-'), streamId()];
    const results = new Map<string, string[]>(streams.map((s) => [s, []]));
    const counts = new Map<string, number>(streams.map((s) => [s, 0]));
    for (let round = 0; round < 12; round++) {
      await Promise.all(
        streams.map(async (s, i) => {
          const n = 1 + ((round + i) % 3);
          const start = counts.get(s)!;
          counts.set(s, start + n);
          const r = await store().append(s, transitions(n, start), { expectedVersion: start === 0 ? 'no_stream' : start - 1 });
          results.get(s)!.push(...r.positions);
        }),
      );
    }
    const all = await readAll(store());
    expect(new Set(all.map((e) => e.globalPosition)).size).toBe(all.length);
    for (const s of streams) {
      const n = counts.get(s)!;
      const expected = Array.from({ length: n }, (_, i) => i);
      const events = await readStream(store(), s);
      expect(events.map((e) => e.streamPosition)).toEqual(expected);
      expect(tos(events)).toEqual(expected.map((i) => `s${i}`));
      expect(events.map((e) => e.globalPosition)).toEqual(results.get(s));
      const inGlobalOrder = all.filter((e) => e.streamId === s);
      expect(inGlobalOrder.map((e) => e.streamPosition)).toEqual(expected);
    }
  });
}
