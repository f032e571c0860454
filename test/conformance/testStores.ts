import { afterEach, beforeEach } from 'vitest';
import type { EventStore } from '../../src/store/eventStore.js';

/** The stores of the current test of a suite: one opened before it, all closed after it. */
export interface TestStores {
  /** The store opened for the current test. */
  store: () => EventStore;
  /** Close the current store and make the one `open` gives the current store. */
  replace: (open: () => Promise<EventStore>) => Promise<EventStore>;
  /** Another store for the current test (closed after it). */
  extra: (open: () => Promise<EventStore>) => Promise<EventStore>;
}

/**
 * Open a store with `open` before each test and close it, and every extra store, after it (call
 * inside the suite's `describe`).
 * @example
 * ```ts
 * const stores = testStores(() => harness.open());
 * const other = await stores.extra(() => harness.openShared());
 * ```
 */
export function testStores(open: () => Promise<EventStore>): TestStores {
  let current: EventStore | undefined;
  const extras: EventStore[] = [];
  beforeEach(async () => {
    current = await open();
  });
  afterEach(async () => {
    const all = [...extras.splice(0), ...(current ? [current] : [])];
    current = undefined;
    await Promise.all(all.map((s) => s.close()));
  });
  return {
    store: () => {
      if (!current) throw new Error('no store is open');
      return current;
    },
    replace: async (next) => {
      await current?.close();
      current = await next();
      return current;
    },
    extra: async (next) => {
      const s = await next();
      extras.push(s);
      return s;
    },
  };
}
