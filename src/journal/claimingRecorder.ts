import type { EventData, EventType } from '../events/catalogue.js';
import type { EventMetadata } from '../events/envelope.js';
import type { EventStore } from '../store/eventStore.js';
import { RunRecorder, type Recorder, type RunIdentity } from './recorder.js';

/** The process taking a run over, as recorded in RunResumed. */
type RunOwner = NonNullable<EventData<'RunResumed'>['owner']>;

/**
 * The writer of a resumed run: its first append is RunResumed, right after the last recorded
 * event (`expectedVersion` = that position), with the first new event or at the first flush
 * (a live call re-issued after the log's end flushes first). So the claim
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
    this.claimOnce();
    this.inner.record(type, data, meta);
  }

  private claimOnce(): void {
    if (this.claimed) return;
    this.claimed = true;
    this.inner.record('RunResumed', { fromPosition: this.claim.fromPosition, reason: 'resume', owner: this.claim.owner });
  }

  async durable<T extends EventType>(type: T, data: EventData<T>, meta: Partial<EventMetadata> = {}): Promise<void> {
    this.record(type, data, meta);
    await this.flush();
  }

  beforeLiveCall(): Promise<void> {
    return this.flush();
  }

  /** Writes what was recorded; the first flush makes the claim even when nothing new was recorded yet. */
  flush(): Promise<void> {
    this.claimOnce();
    return this.inner.flush();
  }
}
