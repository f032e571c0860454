import type { EventStore } from '../../src/store/eventStore.js';

/**
 * What each adapter's conformance test file provides to the shared suite
 * (`eventStore.conformance.ts`). One harness per adapter, in `<adapter>.test.ts`.
 */
export interface StoreHarness {
  /** Adapter name as used in test titles: memory, sqlite, postgres, kurrentdb. */
  name: string;
  /** A fresh, empty store (its own temp file / database schema). */
  open(): Promise<EventStore>;
  /** Store URL of the store most recently returned by open(), for child processes; undefined for memory. */
  url(): string | undefined;
  /** Reopen the most recently opened store (same data) after close(). */
  reopen(): Promise<EventStore>;
  /** Write a row directly into the database, bypassing validation (for corruption tests). */
  plantRow(row: { streamId: string; type: string; data: string; metadata: string }): Promise<void>;
  /** Cases this adapter cannot pass, with the reason (case title -> reason). */
  unsupported?: Record<string, string>;
}
