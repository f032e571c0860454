import type { EventData } from '../events/catalogue.js';

/**
 * What a run asks approval for. `approvalId` is deterministic, so that re-execution asks with
 * the same id again and finds the recorded decision: a tool call's is
 * `<stepId>.approval.<toolCallId>`, a step's `<stepId>.approval`.
 */
export type ApprovalRequest = Omit<EventData<'ApprovalRequested'>, 'timeout'> & {
  /** Decide by itself after `ms` (from when it was first asked): `onTimeout`. */
  timeout?: { ms: number; onTimeout: 'approve' | 'reject' } | undefined;
  /** The actor asking (stamped on the events). */
  actorId?: string | undefined;
};

/** How an approval was decided. `comment` holds a rejection's reason; `output` an edited content. */
export type ApprovalOutcome = Omit<EventData<'ApprovalDecided'>, 'approvalId'>;

/** What a run waits a signal for; `signalId` is deterministic (e.g. `<stepId>.signal`). */
export type SignalRequest = Omit<EventData<'SignalAwaited'>, 'dueAt'> & {
  /** Stop waiting after `ms`: the wait then rejects with a `SIGNAL_TIMED_OUT` error. */
  timeoutMs?: number | undefined;
  actorId?: string | undefined;
};

/** A signal that arrived. */
export type SignalOutcome = Pick<EventData<'SignalReceived'>, 'payload' | 'by'>;

/** A durable sleep: `timerId` deterministic (e.g. `<stepId>.timer`), over at `dueAt` or after `ms`. */
export interface SleepRequest {
  timerId: string;
  stepId?: string | undefined;
  /** ISO time the sleep ends (a `sleepUntil`). */
  dueAt?: string | undefined;
  /** Length of the sleep from when it first started (a `sleep: 2s`). */
  ms?: number | undefined;
  actorId?: string | undefined;
}

/** What a parked run waits for (as the run state's `waitingFor` lists it). */
export interface ParkedWait {
  kind: 'approval' | 'signal' | 'timer';
  /** The approval's, signal's or timer's id (what a decision names). */
  id: string;
  /** The tool or approval step (approval), the signal's name (signal), `sleep` (timer). */
  name: string;
  /** What the approver or sender is asked. */
  prompt?: string | undefined;
  /** What to approve: the tool call's arguments or the previous step's output. */
  content?: unknown;
  /** The step that waits. */
  stepId?: string | undefined;
  /** When the run goes on by itself (a sleep's end, an approval's or signal's timeout), ISO. */
  dueAt?: string | undefined;
  /** The timer that ends this wait when it is due (a timeout). */
  timerId?: string | undefined;
  /** The run that waits, when it is a parallel branch (child run) of the run listing it. */
  runId?: string | undefined;
}

/**
 * The run's journal primitive for waiting (tool approvals and workflow steps use it). Each call
 * records its request (re-execution reproduces the same events), then either resolves at once
 * with the answer the run's log already holds (a decision, a signal, a fired timer, a due
 * timeout), or parks the run: it stops like a lease hand-over, holding no process or lease, and
 * its `done` resolves with status `waiting`; the promise never settles in this process. Whoever
 * continues the run after the decision re-executes it from its log and gets the answer here.
 * @example
 * ```ts
 * const d = await services.waits.approval({ approvalId: `${stepId}.approval`, kind: 'step', name: 'review', stepId, prompt: 'Publish?', content: draft });
 * if (d.decision === 'reject') throw new ApprovalRejectedError(d.comment);
 * ```
 */
export interface Waits {
  approval(request: ApprovalRequest): Promise<ApprovalOutcome>;
  /** Rejects with code `SIGNAL_TIMED_OUT` when its timeout passed first. */
  signal(request: SignalRequest): Promise<SignalOutcome>;
  sleep(request: SleepRequest): Promise<void>;
}

/** Waits for a machine built without a run (drawing its statechart, benchmarks): every wait rejects. */
export const noWaits: Waits = {
  approval: () => Promise.reject(new Error('this machine runs outside a run: it cannot wait for an approval')),
  signal: () => Promise.reject(new Error('this machine runs outside a run: it cannot wait for a signal')),
  sleep: () => Promise.reject(new Error('this machine runs outside a run: it cannot sleep')),
};
