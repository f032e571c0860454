import type { EventData, EventType } from '../events/catalogue.js';
import type { EventMetadata, NewEvent } from '../events/envelope.js';
import { runStreamId } from '../events/streams.js';
import type { EventStore, ExpectedVersion } from '../store/eventStore.js';

/** Identity stamped on every event of one run. */
export interface RunIdentity {
  runId: string;
  rootRunId: string;
  traceId: string;
}

/**
 * Where a run's events go: appended by a {@link RunRecorder}, or compared with a recorded log
 * (then appended after its end) by a replay recorder.
 */
export interface Recorder {
  readonly identity: RunIdentity;
  /** The error that broke this recorder (a failed append, a replay divergence), if any. */
  readonly error: Error | undefined;
  /** Buffer an event; never does I/O. */
  record<T extends EventType>(type: T, data: EventData<T>, meta?: Partial<EventMetadata>): void;
  /** Record an event and wait until it (and everything before it) is durable. */
  durable<T extends EventType>(type: T, data: EventData<T>, meta?: Partial<EventMetadata>): Promise<void>;
  /** Resolves when everything recorded so far is durable. */
  flush(): Promise<void>;
  /**
   * Called right before a live model or tool call (`what` names it): resolves once everything
   * recorded so far is durable and this writer holds the run (a re-execution's claim is made),
   * so nothing acts on the world for a run this process does not own. A re-execution that may
   * not call anything live (a verifying replay) rejects: its log has no answer to the call.
   */
  beforeLiveCall(what: string): Promise<void>;
}

/**
 * The single writer of one run's stream. `record()` only buffers (safe inside an XState
 * inspection callback: no I/O); buffered events are flushed in order, in batches, on the next
 * turn of the event loop. `durable()` records and resolves once the event is in the store:
 * the write-ahead rule for non-deterministic results. Every append carries the expected
 * version, so a second writer of the same run fails fast instead of corrupting the stream.
 * After a failed append the recorder is broken: every later `durable()` rejects.
 */
export class RunRecorder implements Recorder {
  readonly streamId: string;
  private buffer: NewEvent[] = [];
  private writing: Promise<void> = Promise.resolve();
  private scheduled = false;
  private version: ExpectedVersion;
  private failure: Error | undefined;
  /** Number of events recorded so far (buffered or written). */
  recorded = 0;

  constructor(
    private readonly store: EventStore,
    readonly identity: RunIdentity,
    options: { expectedVersion?: ExpectedVersion } = {},
  ) {
    this.streamId = runStreamId(identity.runId);
    this.version = options.expectedVersion ?? 'no_stream';
  }

  /** The error that broke this recorder, if any. */
  get error(): Error | undefined {
    return this.failure;
  }

  /** Buffer an event; it is written with the next flush. Never does I/O. */
  record<T extends EventType>(type: T, data: EventData<T>, meta: Partial<EventMetadata> = {}): void {
    this.buffer.push({
      type,
      data,
      metadata: {
        runId: this.identity.runId,
        rootRunId: this.identity.rootRunId,
        traceId: this.identity.traceId,
        ...meta,
      },
    });
    this.recorded += 1;
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.flush().catch(() => undefined);
      });
    }
  }

  /** Record an event and wait until it (and everything before it) is durable. */
  async durable<T extends EventType>(type: T, data: EventData<T>, meta: Partial<EventMetadata> = {}): Promise<void> {
    this.record(type, data, meta);
    await this.flush();
  }

  beforeLiveCall(): Promise<void> {
    return this.flush();
  }

  /** Write everything buffered so far; resolves when it is durable. */
  flush(): Promise<void> {
    const next = this.writing.then(() => this.writeBuffered());
    this.writing = next.catch(() => undefined);
    return next;
  }

  private async writeBuffered(): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    try {
      const result = await this.store.append(this.streamId, batch, { expectedVersion: this.version });
      this.version = result.nextExpectedVersion;
    } catch (err) {
      this.failure = err instanceof Error ? err : new Error(String(err));
      throw this.failure;
    }
  }
}
