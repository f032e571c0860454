import type { EventStore } from '../../src/store/eventStore.js';
import type { ViewStore } from '../../src/projections/viewStore.js';
import type { DeclaresSkips } from './declaredCases.js';

/**
 * What each adapter's conformance test file provides to the shared suite
 * (`eventStore.conformance.ts`). One harness per adapter, in `<adapter>.test.ts`.
 */
export interface StoreHarness extends DeclaresSkips {
  /** A fresh, empty store (its own temp file / database schema). */
  open(): Promise<EventStore>;
  /** Store URL of the store most recently returned by open(), for child processes; undefined for memory. */
  url(): string | undefined;
  /** Reopen the most recently opened store (same data) after close(). */
  reopen(): Promise<EventStore>;
  /** Write a row directly into the database, bypassing validation (for corruption tests). */
  plantRow(row: { streamId: string; type: string; data: string; metadata: string }): Promise<void>;
}

/**
 * What an adapter provides to the suites of the ports that live beside its events (leases in
 * `leases.conformance.ts`, partial text in `partials.conformance.ts`): fresh stores, and a second
 * store on the same data, as another process would open it.
 */
export interface SharedStoreHarness extends DeclaresSkips {
  /** A fresh, empty store (its own temp file / database schema). */
  open(): Promise<EventStore>;
  /** Another store on the data of the store most recently returned by open() (another process's view). */
  openShared(): Promise<EventStore>;
}

/** What an adapter provides to the view store suite (`views.conformance.ts`). */
export interface ViewHarness extends DeclaresSkips {
  /** A fresh, empty view store. */
  open(): Promise<ViewStore>;
  /** Reopen the view store most recently returned by open() (same data) after close(). */
  reopen(): Promise<ViewStore>;
}
