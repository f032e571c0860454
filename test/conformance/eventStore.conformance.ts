import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventStore } from '../../src/store/eventStore.js';
import { openStore } from '../../src/store/openStore.js';
import { appendCases } from './appendCases.js';
import { CASES } from './cases.js';
import { faultCases } from './faultCases.js';
import type { StoreHarness } from './harness.js';
import { liveCases } from './liveCases.js';
import { readCases } from './readCases.js';

export { CASES };

/** What every section of the suite gets: the store under test and a `test` that honours `unsupported`. */
export interface SuiteContext {
  harness: StoreHarness;
  /** The store opened for the current test. */
  store: () => EventStore;
  /** Close the current store and reopen it from the same data; it becomes the current store. */
  reopen: () => Promise<EventStore>;
  /** Another instance on `url` (closed after the test). */
  openExtra: (url: string) => Promise<EventStore>;
  /** Declare a case; one listed in `harness.unsupported` is reported as skipped with its reason. */
  test: (title: string, fn: () => Promise<void>, timeoutMs?: number) => void;
}

/**
 * The event store conformance suite of design.md, run by each adapter's `<adapter>.test.ts`
 * with its {@link StoreHarness}.
 */
export function describeConformance(harness: StoreHarness): void {
  describe(`event store conformance: ${harness.name}`, () => {
    let current: EventStore | undefined;
    const extras: EventStore[] = [];

    beforeEach(async () => {
      current = await harness.open();
    });
    afterEach(async () => {
      const all = [...extras.splice(0), ...(current ? [current] : [])];
      current = undefined;
      await Promise.all(all.map((s) => s.close()));
    });

    const ctx: SuiteContext = {
      harness,
      store: () => {
        if (!current) throw new Error('no store is open');
        return current;
      },
      reopen: async () => {
        await current?.close();
        current = await harness.reopen();
        return current;
      },
      openExtra: async (url) => {
        const s = await openStore(url);
        extras.push(s);
        return s;
      },
      test: (title, fn, timeoutMs) => {
        const reason = harness.unsupported?.[title];
        if (reason !== undefined) it.skip(`${title} [unsupported by ${harness.name}: ${reason}]`, fn);
        else it(title, fn, timeoutMs);
      },
    };

    it('harness.unsupported lists only cases of this suite, each with a reason', () => {
      const titles = new Set<string>(Object.values(CASES));
      for (const [title, reason] of Object.entries(harness.unsupported ?? {})) {
        expect(titles.has(title), `unknown case '${title}'`).toBe(true);
        expect(reason.trim(), `no reason for '${title}'`).not.toBe('');
      }
    });

    describe('append: expected version and idempotency', () => appendCases(ctx));
    describe('reads', () => readCases(ctx));
    describe('group commit, concurrency and subscriptions', () => liveCases(ctx));
    describe('durability, bad input and corruption', () => faultCases(ctx));
  });
}
