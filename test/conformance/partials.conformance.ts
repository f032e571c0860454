import { describe, expect } from 'vitest';
import type { EventStore } from '../../src/store/eventStore.js';
import { STALE_PARTIAL_MS, type PartialTextChannel, type StoredPartial } from '../../src/store/partials.js';
import { declaredCases } from './declaredCases.js';
import type { SharedStoreHarness } from './harness.js';
import { testStores } from './testStores.js';

/**
 * Titles of the partial text conformance cases (`PartialTextChannel`, src/store/partials.ts), run
 * through `store.partials` as the runtime uses it. A harness that cannot pass one lists its title
 * in `unsupported` with the reason.
 */
export const PARTIAL_CASES = {
  roundTrip: 'a put row is listed with every field as written, toolName only when it has one',
  replaces: "a put replaces its channel's text, writer and time and leaves the call's other channels alone",
  batch: 'one put stores several channels and calls, and an empty put changes nothing',
  ageWindow: 'list returns only the rows written within maxAgeMs',
  otherProcess: 'rows put through one store are listed by another store on the same data, with their writer',
  removeCalls: 'remove deletes every channel of the calls named and nothing of other calls or runs',
  removeStale: 'remove also deletes rows whose writer stopped writing long ago, also when it names no call',
  ordered: 'a remove issued while the put before it is in flight lands after it',
  closeWaits: 'closing the store waits for the puts and removes already issued',
  text: 'text is stored as given: quotes, backslashes, multi-byte characters and 1 MiB of it',
} as const;

const row = (over: Partial<StoredPartial> = {}): StoredPartial => ({
  runId: 'run-1',
  callId: '1-writer.1.1',
  channel: '',
  stepId: '1-writer',
  agentId: 'writer',
  text: 'Tides rise',
  writer: 'process-a',
  updatedAt: Date.now(),
  ...over,
});

const key = (p: StoredPartial) => `${p.runId}\u0000${p.callId}\u0000${p.channel}`;
const sorted = (rows: StoredPartial[]) => [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));

function partialsOf(store: EventStore): PartialTextChannel {
  if (!store.partials) throw new Error(`the ${store.kind} store has no partial text channel`);
  return store.partials;
}

/**
 * The partial text port's conformance suite, run by each adapter's `<adapter>.test.ts` with its harness.
 * @example
 * ```ts
 * describePartialConformance({ name: 'sqlite', open, openShared });
 * ```
 */
export function describePartialConformance(harness: SharedStoreHarness): void {
  describe(`partial text conformance: ${harness.name}`, () => {
    const { store, extra } = testStores(() => harness.open());
    const shared = () => extra(() => harness.openShared());
    const test = declaredCases(harness, PARTIAL_CASES);
    const channel = () => partialsOf(store());
    const list = async (ch: PartialTextChannel = channel(), maxAgeMs = 60_000) => sorted(await ch.list(maxAgeMs));

    test(PARTIAL_CASES.roundTrip, async () => {
      const text = row({ updatedAt: Date.now() - 10 });
      const tool = row({ channel: 'call_7', toolName: 'search', text: '{"q":"ti', updatedAt: Date.now() - 5 });
      expect(await list()).toEqual([]);
      await channel().put([text, tool]);
      const got = await list();
      expect(got).toEqual([text, tool]);
      expect('toolName' in got[0]!).toBe(false);
      expect(channel().pollIntervalMs).toBeGreaterThan(0);
    });

    test(PARTIAL_CASES.replaces, async () => {
      const tool = row({ channel: 'call_7', toolName: 'search', text: '{"q"' });
      await channel().put([row({ text: 'Tides', updatedAt: Date.now() - 50 }), tool]);
      const grown = row({ text: 'Tides rise and fall', writer: 'process-b', updatedAt: Date.now() });
      await channel().put([grown]);
      expect(await list()).toEqual([grown, tool]);
    });

    test(PARTIAL_CASES.batch, async () => {
      const rows = [
        row(),
        row({ channel: 'call_1', toolName: 'search' }),
        row({ callId: '1-writer.1.2' }),
        row({ runId: 'run-2', stepId: '2-critic', agentId: 'critic' }),
      ];
      await channel().put(rows);
      await channel().put([]);
      expect(await list()).toEqual(sorted(rows));
    });

    test(PARTIAL_CASES.ageWindow, async () => {
      const now = Date.now();
      const fresh = row({ callId: 'fresh', updatedAt: now });
      const older = row({ callId: 'older', updatedAt: now - 5_000 });
      const old = row({ callId: 'old', updatedAt: now - 120_000 });
      await channel().put([fresh, older, old]);
      expect(await list(channel(), 1_000)).toEqual([fresh]);
      expect(await list(channel(), 60_000)).toEqual(sorted([fresh, older]));
      expect(await list(channel(), 600_000)).toEqual(sorted([fresh, older, old]));
    });

    test(PARTIAL_CASES.otherProcess, async () => {
      const reader = partialsOf(await shared());
      const mine = row({ writer: 'process-a' });
      await channel().put([mine]);
      expect(await list(reader)).toEqual([mine]);
      const theirs = row({ runId: 'run-2', writer: 'process-b' });
      await reader.put([theirs]);
      expect(await list()).toEqual(sorted([mine, theirs]));
      await reader.remove([{ runId: mine.runId, callId: mine.callId }]);
      expect(await list()).toEqual([theirs]);
    });

    test(PARTIAL_CASES.removeCalls, async () => {
      const ended = [row(), row({ channel: 'call_1', toolName: 'search' }), row({ channel: 'call_2', toolName: 'fetch' })];
      const otherCall = row({ callId: '1-writer.1.2' });
      const otherRun = row({ runId: 'run-2' });
      const alsoEnded = row({ runId: 'run-3', callId: 'x' });
      await channel().put([...ended, otherCall, otherRun, alsoEnded]);
      await channel().remove([{ runId: 'run-1', callId: '1-writer.1.1' }, { runId: 'run-3', callId: 'x' }]);
      expect(await list()).toEqual(sorted([otherCall, otherRun]));
    });

    test(PARTIAL_CASES.removeStale, async () => {
      const now = Date.now();
      const dead = row({ runId: 'dead-run', writer: 'died', updatedAt: now - STALE_PARTIAL_MS - 60_000 });
      const quiet = row({ runId: 'quiet-run', writer: 'slow', updatedAt: now - STALE_PARTIAL_MS + 60_000 });
      const live = row({ runId: 'live-run', writer: 'alive', updatedAt: now });
      await channel().put([dead, quiet, live]);
      await channel().remove([]);
      expect(await list(channel(), 2 * STALE_PARTIAL_MS)).toEqual(sorted([quiet, live]));
      await channel().put([{ ...dead, callId: 'again' }]);
      await channel().remove([{ runId: 'live-run', callId: live.callId }]);
      expect(await list(channel(), 2 * STALE_PARTIAL_MS)).toEqual([quiet]);
    });

    test(PARTIAL_CASES.ordered, async () => {
      const partials = channel();
      const writes = [partials.put([row({ text: 'a' })]), partials.put([row({ text: 'ab' })]), partials.remove([{ runId: 'run-1', callId: '1-writer.1.1' }])];
      await Promise.all(writes);
      expect(await list()).toEqual([]);
      const last = row({ text: 'abc' });
      const more = [partials.remove([{ runId: 'run-1', callId: '1-writer.1.1' }]), partials.put([last])];
      await Promise.all(more);
      expect(await list()).toEqual([last]);
    });

    test(PARTIAL_CASES.closeWaits, async () => {
      const writer = store();
      const partials = partialsOf(writer);
      const kept = row({ runId: 'run-kept', text: 'kept to the end' });
      void partials.put([row({ text: 'gone' }), row({ runId: 'run-kept', text: 'kept' })]);
      void partials.put([kept]);
      void partials.remove([{ runId: 'run-1', callId: '1-writer.1.1' }]);
      await writer.close();
      expect(await list(partialsOf(await shared()))).toEqual([kept]);
    });

    test(PARTIAL_CASES.text, async () => {
      const odd = row({ runId: "run-o'brien\\", channel: 'call_"x"', toolName: 'sea\'rch', text: `It's "quoted" \\ back\\slashed; 潮 🌊 café\n\ttabbed` });
      const big = row({ callId: 'big', text: '潮🌊x'.repeat(150_000) });
      await channel().put([odd, big]);
      expect(await list()).toEqual(sorted([odd, big]));
    });
  });
}
