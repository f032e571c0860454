import type { EventData, EventType } from '../events/catalogue.js';
import type { EventMetadata, RecordedEvent } from '../events/envelope.js';
import { AigenError } from '../errors.js';
import type { Recorder, RunIdentity } from './recorder.js';
import { divergence, sameEvent, UNCOMPARED_TYPES, type Divergence } from './compare.js';
import { isNestedEvent, NestedEventPool } from './nestedMatch.js';

/**
 * Event kinds that may interleave differently on re-execution (kind → group): the parent's state
 * changes and its parallel branches' ends; and the waits of parallel tool calls, whose requests
 * were recorded together before the run parked, while re-execution answers each at once.
 */
const CONCURRENT: Record<string, string | undefined> = {
  Transitioned: 'state',
  ChildRunStarted: 'child',
  ChildRunFinished: 'child',
  ApprovalRequested: 'ask',
  SignalAwaited: 'ask',
  TimerStarted: 'ask',
  ApprovalDecided: 'answer',
  SignalReceived: 'answer',
  TimerFired: 'answer',
  // Parallel tool calls of one turn start and finish in any order (superseded by callId matching).
  ToolCalled: 'tool',
  ToolReturned: 'tool',
  ToolFailed: 'tool',
};

/**
 * Re-execution produced an event that differs from the recorded log (replay --verify),
 * or ran past the log where it may not.
 * @example
 * ```ts
 * catch (e) { if (e instanceof ReplayDivergenceError) console.log(e.divergence.position, e.divergence.diff); }
 * ```
 */
export class ReplayDivergenceError extends AigenError {
  readonly code = 'REPLAY_DIVERGED';
  readonly kind = 'user' as const;
  constructor(readonly divergence: Divergence) {
    super(`replay diverged at position ${divergence.position}: ${divergence.diff.join('; ')}`);
  }
}

/**
 * A recorder that checks re-execution against a recorded log instead of writing: each produced
 * event must equal the next recorded one (volatile fields aside). When the log is exhausted it
 * hands further events to `tail` (resume: append after the log) or reports a divergence (verify).
 */
export class ReplayRecorder implements Recorder {
  private readonly expected: RecordedEvent[];
  private cursor = 0;
  /** Indices of expected events matched ahead of the cursor. */
  private readonly done = new Set<number>();
  private failure: Error | undefined;
  /** Events matched against the log so far. */
  matched = 0;
  /** Whether an event went to the tail. */
  private handedOn = false;
  /** Recorded events of runs nested inside tool calls: matched apart, by callId (see {@link NestedEventPool}). */
  private readonly nested: NestedEventPool;

  constructor(
    readonly identity: RunIdentity,
    log: readonly RecordedEvent[],
    private readonly tail: Recorder | undefined,
  ) {
    const compared = log.filter((e) => !UNCOMPARED_TYPES.has(e.type));
    this.nested = new NestedEventPool(compared);
    this.expected = compared.filter((e) => !isNestedEvent(e.data));
  }

  get error(): Error | undefined {
    return this.failure ?? this.tail?.error;
  }

  /** True once every recorded event has been matched. */
  get exhausted(): boolean {
    return this.cursor >= this.expected.length;
  }

  /** Stream position of the last recorded event that was matched, or -1. */
  get lastMatchedPosition(): number {
    return this.cursor === 0 ? -1 : this.expected[this.cursor - 1]!.streamPosition;
  }

  record<T extends EventType>(type: T, data: EventData<T>, meta: Partial<EventMetadata> = {}): void {
    if (this.failure) return;
    if (isNestedEvent(data)) {
      this.recordNested(type, data, meta);
      return;
    }
    if (this.exhausted) {
      if (this.tail) this.handOn(type, data, meta);
      else if (!UNCOMPARED_TYPES.has(type)) this.failure = new ReplayDivergenceError(divergence(this.nextPosition(), undefined, { type, data }));
      return;
    }
    if (UNCOMPARED_TYPES.has(type)) {
      // A branch that parks the run now parks it now, wherever re-execution is in the log (a
      // resume appends it after the log; replaying the log's BranchParked is not asked of it).
      if (type === 'BranchParked' && this.tail) this.handOn(type, data, meta);
      return;
    }
    const recorded = this.expected[this.cursor]!;
    const at = sameEvent(recorded, { type, data }) ? this.cursor : this.matchAhead(type, data);
    if (at === 'tail' && this.tail) {
      // The log ends with the other kind of concurrent event still to match: this one is new.
      this.handOn(type, data, meta);
      return;
    }
    if (at === undefined || at === 'tail') {
      this.failure = new ReplayDivergenceError(divergence(recorded.streamPosition, recorded, { type, data }));
      return;
    }
    this.done.add(at);
    this.matched += 1;
    while (this.done.has(this.cursor)) this.cursor += 1;
  }

  /**
   * Parallel branches end concurrently, so a parent's state changes and its branches'
   * ChildRun events may interleave differently from the log. Within a run of such events, each
   * kind keeps its own order, but the kinds may interleave freely. Answers to waits (decisions,
   * signals, fired timers) came from outside in any order: any of them may match.
   */
  private matchAhead(type: string, data: unknown): number | 'tail' | undefined {
    const group = CONCURRENT[type];
    if (!group) return undefined;
    const anyOrder = group === 'answer' || group === 'tool';
    for (let j = this.cursor; j < this.expected.length; j++) {
      const e = this.expected[j]!;
      const g = CONCURRENT[e.type];
      if (!g) return undefined;
      if (this.done.has(j) || g !== group) continue;
      if (sameEvent(e, { type, data })) return j;
      if (!anyOrder) return undefined;
    }
    // Only events of the other kind are left in the log: this one comes after its end.
    return 'tail';
  }

  /** A nested event matches its recorded twin in any order; a new one goes to the tail, or diverges. */
  private recordNested<T extends EventType>(type: T, data: EventData<T>, meta: Partial<EventMetadata>): void {
    const match = this.nested.take(type, data);
    if (match.kind === 'matched') {
      this.matched += 1;
      return;
    }
    if (match.kind === 'new' && this.tail) {
      this.handOn(type, data, meta);
      return;
    }
    const recorded = match.kind === 'differs' ? match.recorded : undefined;
    this.failure = new ReplayDivergenceError(divergence(recorded?.streamPosition ?? this.nextPosition(), recorded, { type, data }));
  }

  private handOn<T extends EventType>(type: T, data: EventData<T>, meta: Partial<EventMetadata>): void {
    this.handedOn = true;
    this.tail!.record(type, data, meta);
  }

  async durable<T extends EventType>(type: T, data: EventData<T>, meta: Partial<EventMetadata> = {}): Promise<void> {
    this.record(type, data, meta);
    await this.flush();
  }

  async flush(): Promise<void> {
    if (this.failure) throw this.failure;
    // Past the log (or once something new was handed on) the tail writes: a resume's claim is
    // made on the first such flush, before any live call.
    if (this.tail && (this.exhausted || this.handedOn)) await this.tail.flush();
  }

  /** Report events of the log that re-execution never produced. */
  checkComplete(): Divergence | undefined {
    if (this.failure instanceof ReplayDivergenceError) return this.failure.divergence;
    if (this.exhausted) return undefined;
    const missing = this.expected[this.cursor]!;
    return divergence(missing.streamPosition, missing, undefined);
  }

  private nextPosition(): number {
    const last = this.expected[this.expected.length - 1];
    return last ? last.streamPosition + 1 : 0;
  }
}
