import type { EventData, EventType } from '../events/catalogue.js';
import type { EventMetadata, RecordedEvent } from '../events/envelope.js';
import { AigenError } from '../errors.js';
import type { Recorder, RunIdentity } from './recorder.js';
import { divergence, sameEvent, UNCOMPARED_TYPES, type Divergence } from './compare.js';
import { isNestedEvent, NestedEventPool } from './nestedMatch.js';

/**
 * The lane of an event that may interleave with others on re-execution, or undefined for an
 * event that keeps its place. Within a lane events keep their recorded order; lanes interleave
 * freely. A parent's state changes and its parallel branches' ends are two lanes (branches end
 * concurrently). Each tool call of a turn is a lane (`call:<callId>`): the SDK runs a turn's
 * function calls at once, so they finish in any order live, while re-execution answers recorded
 * ones at once; what happens to a call (its approval, its guardrail checks) stays in the call's
 * lane. (Events of runs nested inside a call carry `parentCallId` and are matched apart, see
 * {@link NestedEventPool}.) Each wait (an
 * approval, a signal, a timer) is a lane: decisions arrive from outside in any order.
 */
export function laneOf(type: string, data: unknown): string | undefined {
  const d = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
  const str = (k: string) => (typeof d[k] === 'string' ? (d[k]) : undefined);
  switch (type) {
    case 'Transitioned':
      return 'state';
    case 'ChildRunStarted':
    case 'ChildRunFinished':
      return 'child';
    case 'ToolCalled':
    case 'ToolReturned':
    case 'ToolFailed':
      return `call:${str('callId') ?? ''}`;
    case 'GuardrailChecked': {
      // A tool guardrail's check belongs to its call; an agent guardrail keeps its place.
      const call = str('callId');
      return call !== undefined ? `call:${call}` : undefined;
    }
    case 'ApprovalRequested':
    case 'ApprovalDecided':
      return waitLane(str('approvalId') ?? '');
    case 'SignalAwaited':
    case 'SignalReceived':
      return `wait:${str('signalId') ?? ''}`;
    case 'TimerStarted':
    case 'TimerFired':
      // A timeout's timer (`<wait id>.timeout`) is in the lane of what it times out.
      return waitLane((str('timerId') ?? '').replace(/\.timeout$/, ''));
    default:
      return undefined;
  }
}

/** The lane of a wait: a tool call's approval (`<stepId>.approval.<callId>`) is in its call's lane. */
function waitLane(id: string): string {
  const call = /\.approval\.(.+)$/.exec(id)?.[1];
  return call !== undefined ? `call:${call}` : `wait:${id}`;
}

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
   * An event that may interleave ({@link laneOf}) is matched against the next unmatched
   * recorded event of its lane, looking ahead through the events that may interleave with it.
   * `tail`: the log ends before its lane has another event (it is new).
   */
  private matchAhead(type: string, data: unknown): number | 'tail' | undefined {
    const lane = laneOf(type, data);
    if (lane === undefined) return undefined;
    for (let j = this.cursor; j < this.expected.length; j++) {
      const e = this.expected[j]!;
      const l = laneOf(e.type, e.data);
      if (l === undefined) return undefined;
      if (this.done.has(j) || l !== lane) continue;
      return sameEvent(e, { type, data }) ? j : undefined;
    }
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

  /**
   * A live call during re-execution: a resume or claim writes its claim first (the rest of the
   * log is still matched; a parallel tool call the log has no result for runs while its
   * siblings are answered from the log). A verifying replay calls nothing: a divergence.
   */
  async beforeLiveCall(what: string): Promise<void> {
    if (this.failure) throw this.failure;
    if (!this.tail) {
      const next = this.expected[this.cursor];
      this.failure = new ReplayDivergenceError({
        position: next?.streamPosition ?? this.nextPosition(),
        recorded: next ? { type: next.type, data: next.data } : undefined,
        produced: undefined,
        diff: [`the recorded log has no answer to ${what}: re-execution would call it live`],
      });
      throw this.failure;
    }
    this.handedOn = true;
    await this.tail.beforeLiveCall(what);
  }

  /**
   * Record the end of a run whose re-execution diverged from its log (a resume, a continuation,
   * a worker's claim): appended after the log by the writer that continues it, so the run ends
   * with its reason instead of staying `running`. A verifying replay writes nothing.
   */
  async recordAfterDivergence(data: EventData<'RunFailed'>): Promise<boolean> {
    if (!this.tail || this.tail.error) return false;
    await this.tail.durable('RunFailed', data);
    return true;
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
