import type { Subscription } from 'rxjs';
import type { EventData } from '../events/catalogue.js';
import { RUN_CATEGORY, runIdOfStream } from '../events/streams.js';
import type { EventStore } from '../store/eventStore.js';
import { subscribeThroughOutages } from '../store/throughOutages.js';

/** What the watch needs of a run it may stop. */
export interface CancellableRun {
  cancelledInLog(reason: string): void;
}

/**
 * Another process cancels a run by appending RunCancelled to its stream (`aigen cancel`, the API
 * of another server). While an engine runs anything it follows those events, and a run of its
 * own that gets one it did not write stops at once and ends `cancelled`. (A run also notices it
 * at its next append, which the RunCancelled makes fail.)
 */
export class CancelWatch {
  private subscription: Subscription | undefined;

  constructor(
    private readonly store: EventStore,
    private readonly runOf: (runId: string) => CancellableRun | undefined,
  ) {}

  /** Follow RunCancelled events from now on (no-op while already following). */
  start(): void {
    if (this.subscription) return;
    // Through store outages (a database restart): a cancellation recorded meanwhile still arrives.
    this.subscription = subscribeThroughOutages(this.store, { from: 'end', filter: { streamPrefix: `${RUN_CATEGORY}-`, types: ['RunCancelled'] } })
      .subscribe({
        next: (e) => {
          const runId = runIdOfStream(e.streamId);
          const run = runId === undefined ? undefined : this.runOf(runId);
          run?.cancelledInLog((e.data as EventData<'RunCancelled'>).reason);
        },
        // Without the watch a run still notices the cancellation at its next append.
        error: () => (this.subscription = undefined),
      });
  }

  /** Stop following (when the engine runs nothing any more). */
  stop(): void {
    this.subscription?.unsubscribe();
    this.subscription = undefined;
  }
}
