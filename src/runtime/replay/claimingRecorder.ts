import type { EventData, EventType } from '../../events/catalogue.js';
import type { EventMetadata } from '../../events/envelope.js';
import type { EventStore } from '../../store/eventStore.js';
import type { RunOwner } from '../owner.js';
import { RunRecorder, type Recorder, type RunIdentity } from '../../journal/recorder.js';

/**
 * The writer of a resumed run: its first append is RunResumed, right after the last recorded
 * event (`expectedVersion` = that position), together with the first new event. So the claim
 * is made only once re-execution has reproduced the whole log (a resume that diverges writes
 * nothing), and of two processes resuming the same run only one can make it: the other's
 * first append fails with WRONG_EXPECTED_VERSION before it calls any model or tool, since
 * those calls are durable before they are made.
 */
export class ClaimingRecorder implements Recorder {
  private readonly inner: RunRecorder;
  private claimed = false;

  constructor(
    store: EventStore,
    readonly identity: RunIdentity,
    private readonly claim: { fromPosition: number; owner: RunOwner },
  ) {
    this.inner = new RunRecorder(store, identity, { expectedVersion: claim.fromPosition });
  }

  get error(): Error | undefined {
    return this.inner.error;
  }

  record<T extends EventType>(type: T, data: EventData<T>, meta: Partial<EventMetadata> = {}): void {
    if (!this.claimed) {
      this.claimed = true;
      this.inner.record('RunResumed', { fromPosition: this.claim.fromPosition, reason: 'resume', owner: this.claim.owner });
    }
    this.inner.record(type, data, meta);
  }

  async durable<T extends EventType>(type: T, data: EventData<T>, meta: Partial<EventMetadata> = {}): Promise<void> {
    this.record(type, data, meta);
    await this.flush();
  }

  flush(): Promise<void> {
    return this.inner.flush();
  }
}
