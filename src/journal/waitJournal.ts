import type { EventMetadata } from '../events/envelope.js';
import { AigenError } from '../errors.js';
import type { AnswerSource } from './answers.js';
import type { Recorder } from './recorder.js';
import type { ApprovalOutcome, ApprovalRequest, ParkedWait, SignalOutcome, SignalRequest, SleepRequest, Waits } from './waits.js';

/**
 * A signal's timeout passed before the signal arrived.
 * @example
 * ```ts
 * catch (e) { if (e instanceof SignalTimedOutError) console.log(e.code); } // 'SIGNAL_TIMED_OUT'
 * ```
 */
export class SignalTimedOutError extends AigenError {
  readonly code = 'SIGNAL_TIMED_OUT';
  readonly kind = 'user' as const;
}

/** What the wait journal of one run needs. */
export interface WaitJournalDeps {
  recorder: Recorder;
  /** Recorded decisions, signals and timers (re-execution). */
  answers?: AnswerSource | undefined;
  /** Epoch ms now. */
  now(): number;
  /**
   * Whether the run may decide a due timer by itself (false in a verifying replay: every answer
   * must come from the log, so it parks instead).
   */
  live: boolean;
  /**
   * Park the run for `wait` (its request durable already): the run stops, holding nothing.
   * The returned promise never settles.
   */
  park(wait: ParkedWait): Promise<never>;
  /**
   * A sleep that ends within this many ms is waited for in memory, the run keeping its
   * executor; a longer one parks the run (default 60 000).
   */
  holdTimersMs?: number;
  /** Wait `ms` in memory (the run's clock). */
  delay(ms: number): Promise<void>;
  /** True once the run stopped (cancelled, parked, handed over): nothing more may be recorded. */
  stopped(): boolean;
}

const never = (): Promise<never> => new Promise<never>(() => undefined);
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The journal primitive of waiting runs ({@link Waits}): requests are recorded every time (a
 * re-execution's recorder matches them against the log), answers come from the log when it holds
 * them (and are recorded again, in the log's order), a due timer fires here (TimerFired, and a
 * timed-out approval's decision), anything else parks the run.
 */
export function createWaitJournal(deps: WaitJournalDeps): Waits {
  const { recorder } = deps;
  const hold = deps.holdTimersMs ?? 60_000;
  const meta = (actorId: string | undefined): Partial<EventMetadata> => (actorId !== undefined ? { actorId } : {});
  /** A timer's due time: the recorded one on re-execution, else from now. */
  const dueOf = (timerId: string, fallback: () => number): string => deps.answers?.timer(timerId)?.dueAt ?? iso(fallback());
  const isDue = (dueAt: string) => deps.live && Date.parse(dueAt) <= deps.now();
  const fired = (timerId: string) => deps.answers?.timer(timerId)?.fired === true;

  return {
    async approval(request: ApprovalRequest): Promise<ApprovalOutcome> {
      const { timeout, actorId, ...asked } = request;
      const m = meta(actorId);
      const timerId = `${asked.approvalId}.timeout`;
      const dueAt = timeout ? dueOf(timerId, () => deps.now() + timeout.ms) : undefined;
      recorder.record('ApprovalRequested', { ...asked, ...(timeout && dueAt ? { timeout: { dueAt, onTimeout: timeout.onTimeout } } : {}) }, m);
      if (timeout && dueAt) recorder.record('TimerStarted', { timerId, dueAt, stepId: asked.stepId, purpose: 'timeout', for: asked.approvalId }, m);
      const recorded = deps.answers?.decision(asked.approvalId);
      if (recorded) {
        if (fired(timerId)) recorder.record('TimerFired', { timerId }, m);
        recorder.record('ApprovalDecided', recorded, m);
        await recorder.flush();
        const { approvalId: _id, ...outcome } = recorded;
        return outcome;
      }
      if (timeout && dueAt && isDue(dueAt)) {
        const outcome: ApprovalOutcome = { decision: timeout.onTimeout, by: 'timeout', timedOut: true };
        recorder.record('TimerFired', { timerId }, m);
        await recorder.durable('ApprovalDecided', { approvalId: asked.approvalId, ...outcome }, m);
        return outcome;
      }
      await recorder.flush();
      return deps.park({ kind: 'approval', id: asked.approvalId, name: asked.name, prompt: asked.prompt, content: asked.content, stepId: asked.stepId, dueAt, ...(dueAt ? { timerId } : {}) });
    },

    async signal(request: SignalRequest): Promise<SignalOutcome> {
      const { timeoutMs, actorId, ...awaited } = request;
      const m = meta(actorId);
      const timerId = `${awaited.signalId}.timeout`;
      const dueAt = timeoutMs !== undefined ? dueOf(timerId, () => deps.now() + timeoutMs) : undefined;
      recorder.record('SignalAwaited', { ...awaited, ...(dueAt ? { dueAt } : {}) }, m);
      if (dueAt) recorder.record('TimerStarted', { timerId, dueAt, stepId: awaited.stepId, purpose: 'timeout', for: awaited.signalId }, m);
      const timedOut = () => new SignalTimedOutError(`signal '${awaited.name}' did not arrive by ${dueAt ?? 'its timeout'}`);
      const recorded = deps.answers?.signal(awaited.signalId);
      if (recorded) {
        recorder.record('SignalReceived', recorded, m);
        await recorder.flush();
        return { payload: recorded.payload, by: recorded.by };
      }
      if (fired(timerId) || (dueAt && isDue(dueAt))) {
        await recorder.durable('TimerFired', { timerId }, m);
        throw timedOut();
      }
      await recorder.flush();
      return deps.park({ kind: 'signal', id: awaited.signalId, name: awaited.name, prompt: awaited.prompt, stepId: awaited.stepId, dueAt, ...(dueAt ? { timerId } : {}) });
    },

    async sleep(request: SleepRequest): Promise<void> {
      const { timerId, stepId, actorId } = request;
      const m = meta(actorId);
      const dueAt = dueOf(timerId, () => (request.dueAt !== undefined ? Date.parse(request.dueAt) : deps.now() + (request.ms ?? 0)));
      recorder.record('TimerStarted', { timerId, dueAt, ...(stepId !== undefined ? { stepId } : {}), purpose: 'sleep' }, m);
      if (fired(timerId)) {
        recorder.record('TimerFired', { timerId }, m);
        await recorder.flush();
        return;
      }
      await recorder.flush();
      // Timers may fire a little early by the clock: wait again for what is left.
      for (let left = Date.parse(dueAt) - deps.now(); deps.live && left > 0 && left <= hold; left = Date.parse(dueAt) - deps.now()) {
        await deps.delay(left);
        if (deps.stopped()) return never();
      }
      if (isDue(dueAt)) {
        await recorder.durable('TimerFired', { timerId }, m);
        return;
      }
      return deps.park({ kind: 'timer', id: timerId, name: 'sleep', stepId, dueAt });
    },
  };
}
