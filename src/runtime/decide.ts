import { userInfo } from 'node:os';
import type { EventData } from '../events/catalogue.js';
import type { RecordedEvent } from '../events/envelope.js';
import { validatePayload, type JsonSchema } from '../machines/payloadSchema.js';
import type { RunState, WaitingFor } from '../projections/runState.js';
import type { EventStore } from '../store/eventStore.js';
import { NotWaitingError } from './errors.js';
import type { RecordedRunDeps } from './replay/modes.js';
import { waitsAnywhere } from './parking.js';
import { resumeRun } from './resume.js';
import type { ExecuteResult } from './runExecution.js';
import { handleCommand } from './command.js';
import { runStartedOf } from './replay/engineSupport.js';

/** Options of `engine.approve()`. */
export interface ApproveOptions {
  /** Which approval (may be omitted when the run waits for exactly one). */
  approvalId?: string;
  /** Who decides (default: the OS user). */
  by?: string;
  comment?: string;
  /** Edited content of a step approval: what the next step gets instead. */
  output?: unknown;
  /** `false`: only record the decision; nobody continues the run now (default true). */
  continue?: boolean;
}

/** Options of `engine.reject()`. */
export interface RejectOptions {
  approvalId?: string;
  /** Why: the model (tool approval) or the step's error (step approval) gets it. */
  reason: string;
  by?: string;
  continue?: boolean;
}

/** Options of `engine.signal()`. */
export interface SignalOptions {
  /** Who sends it (default: the OS user). */
  by?: string;
  continue?: boolean;
}

/**
 * What a decision or signal did: the id it answered, and who continues the run: a live worker
 * serving the store (`worker`), this process (`here`: `done` gives the outcome), or nobody now
 * (`no`: `continue: false`, or the run still waits for something else).
 */
export interface DecisionResult {
  /** The run decided about (a parallel branch's wait decided under its top-level run is recorded in the branch). */
  runId: string;
  /** The approval or signal id answered. */
  id: string;
  continued: 'worker' | 'here' | 'no';
  /** The run's outcome when it continues here. */
  done?: Promise<ExecuteResult>;
}

/** The OS user, as a decision's default `by`. */
export function defaultDecider(): string {
  try {
    return userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}

/** What the run waits for, in words (NotWaitingError messages). */
export function describeWaits(runId: string, state: RunState): string {
  if (state.endedAt !== undefined) return `run ${runId} is not waiting: it ended ${state.status}`;
  if (state.waitingFor.length === 0) return `run ${runId} is not waiting for anything (it is ${state.status})`;
  const what = state.waitingFor.map(
    (w) => (w.kind === 'approval' ? `approval ${w.id} (${w.name})` : w.kind === 'signal' ? `signal '${w.name}'` : `a timer due ${w.dueAt ?? 'later'}`) + (w.runId !== undefined ? ` of branch ${w.runId}` : ''),
  );
  return `run ${runId} waits for ${what.join(', ')}`;
}

/** The pending approval an approve/reject names (or the only one). */
function pendingApproval(runId: string, state: RunState, approvalId: string | undefined): WaitingFor {
  const approvals = state.waitingFor.filter((w) => w.kind === 'approval');
  const named = approvals.filter((w) => w.id === approvalId);
  if (named.length > 1) throw new NotWaitingError(`${describeWaits(runId, state)}; several branches ask approval ${approvalId}: decide it on the branch's run`);
  const found = approvalId === undefined ? (approvals.length === 1 ? approvals[0] : undefined) : named[0];
  if (found) return found;
  if (approvalId === undefined && approvals.length > 1) {
    throw new NotWaitingError(`${describeWaits(runId, state)}; name the approval to decide`);
  }
  throw new NotWaitingError(`${describeWaits(runId, state)}${approvalId === undefined ? '' : `, not for approval ${approvalId}`}`);
}

/** The event a decision or signal appends, and the id of the wait it answers. */
export type DecisionEvent =
  | { type: 'ApprovalDecided'; data: EventData<'ApprovalDecided'>; id: string }
  | { type: 'SignalReceived'; data: EventData<'SignalReceived'>; id: string };

/** A {@link DecisionEvent}, or the parallel branch (`runId`) that holds the wait: the answer is recorded there. */
export type DecisionEventOrBranch = DecisionEvent | { branch: string };

/**
 * Append a decision or signal to a run that waits for it, as a command (`handleCommand`: a
 * concurrent append makes it read and check again). A wait of a parallel branch that the run lists is
 * answered in the branch's log, and every run above the branch records that it was answered
 * (BranchAnswered). Throws NotWaitingError when the run does not wait for it, ValidationError for
 * a payload its schema refuses (nothing recorded).
 */
export async function recordAnswer(
  store: EventStore,
  runId: string,
  answer: (state: RunState, log: readonly RecordedEvent[]) => DecisionEventOrBranch,
): Promise<{ runId: string; id: string; after: RunState }> {
  const { value, log, state } = await handleCommand<DecisionEventOrBranch>(store, runId, {
    name: 'decision',
    decide: (st, lg) => {
      const a = answer(st, lg);
      return { events: 'branch' in a ? [] : [a], value: a };
    },
  });
  if ('branch' in value) return recordAnswer(store, value.branch, answer);
  await answerAbove(store, runId, value.id, runStartedOf(log).parentRunId);
  return { runId, id: value.id, after: state };
}

/** Record in each run above a branch (from `parentRunId` up) that the branch's wait `id` was answered, where it lists it. */
async function answerAbove(store: EventStore, branchRunId: string, id: string, parentRunId: string | undefined): Promise<void> {
  for (let above = parentRunId; above !== undefined; ) {
    const { log } = await handleCommand(store, above, {
      name: 'branch answer',
      decide: (state) => {
        const listed = state.endedAt === undefined && state.waitingFor.some((w) => w.runId === branchRunId && w.id === id);
        return { events: listed ? [{ type: 'BranchAnswered', data: { runId: branchRunId, id } }] : [], value: undefined };
      },
    });
    above = runStartedOf(log).parentRunId;
  }
}

/** The ApprovalDecided an approve or reject appends, checked against what the run waits for. */
export function approvalAnswer(runId: string, decision: 'approve' | 'reject', o: ApproveOptions & { reason?: string }) {
  return (state: RunState): DecisionEventOrBranch => {
    const wait = pendingApproval(runId, state, o.approvalId);
    if (wait.runId !== undefined) return { branch: wait.runId };
    const comment = decision === 'reject' ? o.reason : o.comment;
    const data: EventData<'ApprovalDecided'> = {
      approvalId: wait.id,
      decision,
      by: o.by ?? defaultDecider(),
      ...(comment !== undefined ? { comment } : {}),
      ...(o.output !== undefined ? { output: o.output } : {}),
    };
    return { type: 'ApprovalDecided', data, id: wait.id };
  };
}

/** The SignalReceived a signal appends, checked against what the run waits for and the recorded schema. */
export function signalAnswer(runId: string, name: string, payload: unknown, o: SignalOptions) {
  return (state: RunState, log: readonly RecordedEvent[]): DecisionEventOrBranch => {
    const wait = state.waitingFor.find((w) => w.kind === 'signal' && w.name === name);
    if (!wait) throw new NotWaitingError(`${describeWaits(runId, state)}, not for signal '${name}'`);
    if (wait.runId !== undefined) return { branch: wait.runId };
    const awaited = log.find((e) => e.type === 'SignalAwaited' && (e.data as EventData<'SignalAwaited'>).signalId === wait.id);
    const schema = (awaited?.data as EventData<'SignalAwaited'> | undefined)?.schema;
    if (schema !== undefined && schema !== null) validatePayload(schema as JsonSchema, payload, `signal '${name}'`);
    const data: EventData<'SignalReceived'> = { signalId: wait.id, name, payload: (payload ?? null), by: o.by ?? defaultDecider() };
    return { type: 'SignalReceived', data, id: wait.id };
  };
}

/** What deciding needs of the engine. */
export interface DecisionDeps extends RecordedRunDeps {
  /** Told of the run this process continues after a decision, before it is launched (`engine.wait` gives its outcome). */
  continuing?(runId: string, done: Promise<ExecuteResult>): void;
}

/**
 * After a decision: a run that waits for nothing more is woken in the lease table, then continued
 * by a live worker when one serves the store, else here (a resume from its log), unless the
 * caller only records (`wanted` false).
 */
export async function continueAfter(deps: DecisionDeps, runId: string, after: RunState, wanted: boolean): Promise<Pick<DecisionResult, 'continued' | 'done'>> {
  if (after.status !== 'queued') return { continued: 'no' };
  // A parallel branch goes on with its whole run, once nothing in that run waits.
  const root = after.rootRunId || runId;
  if (root !== runId && (await waitsAnywhere(deps.store, root))) return { continued: 'no' };
  const leases = deps.store.leases;
  if (leases) await leases.wake(root);
  if (!wanted) return { continued: 'no' };
  if (leases && (await leases.workers()).some((w) => !w.draining)) return { continued: 'worker' };
  const done = resumeRun(deps, root);
  // The caller may not wait for the outcome: its failure must not go unhandled.
  done.catch(() => undefined);
  deps.continuing?.(root, done);
  return { continued: 'here', done };
}

/** Record a decision or signal (see {@link recordAnswer}) and continue the run (see {@link continueAfter}). */
export async function applyDecision(deps: DecisionDeps, runId: string, answer: (state: RunState, log: readonly RecordedEvent[]) => DecisionEventOrBranch, wanted: boolean | undefined): Promise<DecisionResult> {
  const decided = await recordAnswer(deps.store, runId, answer);
  return { runId, id: decided.id, ...(await continueAfter(deps, decided.runId, decided.after, wanted !== false)) };
}
