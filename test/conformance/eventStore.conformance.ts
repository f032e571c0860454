import { describe } from 'vitest';
import type { EventStore } from '../../src/store/eventStore.js';
import { openStore } from '../../src/store/openStore.js';
import { appendCases } from './appendCases.js';
import { CASES } from './cases.js';
import { declaredCases, type CaseTest } from './declaredCases.js';
import { faultCases } from './faultCases.js';
import type { StoreHarness } from './harness.js';
import { liveCases } from './liveCases.js';
import { readCases } from './readCases.js';
import { testStores } from './testStores.js';

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
  test: CaseTest;
}

/**
 * The event store conformance suite of design.md, run by each adapter's `<adapter>.test.ts`
 * with its {@link StoreHarness}.
 */
export function describeConformance(harness: StoreHarness): void {
  describe(`event store conformance: ${harness.name}`, () => {
    const stores = testStores(() => harness.open());
    const ctx: SuiteContext = {
      harness,
      store: stores.store,
      reopen: () => stores.replace(() => harness.reopen()),
      openExtra: (url) => stores.extra(() => openStore(url)),
      test: declaredCases(harness, CASES),
    };

    describe('append: expected version and idempotency', () => appendCases(ctx));
    describe('reads', () => readCases(ctx));
    describe('group commit, concurrency and subscriptions', () => liveCases(ctx));
    describe('durability, bad input and corruption', () => faultCases(ctx));
  });
}
