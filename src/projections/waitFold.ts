import type { AigenEvent } from '../events/envelope.js';
import type { ApprovalView, RunState, WaitingFor, WaitStepView } from './runStateTypes.js';

type WaitEvent = Extract<
  AigenEvent,
  { type: 'ApprovalRequested' | 'SignalAwaited' | 'TimerStarted' | 'ApprovalDecided' | 'SignalReceived' | 'TimerFired' | 'BranchParked' | 'BranchAnswered' }
>;

/** Whether two waits are the same: the same id in the same run (branches may ask with equal ids). */
const same = (a: { id: string; runId?: string | undefined }, b: { id: string; runId?: string | undefined }) => a.id === b.id && a.runId === b.runId;

/**
 * A run that an executor takes over (RunClaimed, RunResumed) no longer waits for its branches:
 * it re-executes them, and parks again (BranchParked) if one still waits. Its own waits stay
 * until they are answered.
 */
export function takeOver(next: RunState): void {
  if (!next.waitingFor.some((w) => w.runId !== undefined)) return;
  next.waitingFor = next.waitingFor.filter((w) => w.runId === undefined);
  if (next.waitingFor.length === 0 && next.status === 'waiting') next.status = 'running';
}

/** An approval asked for joins the run's approvals (once: a request already listed is kept as it is). */
function requested(next: RunState, e: Extract<WaitEvent, { type: 'ApprovalRequested' }>): void {
  const d = e.data;
  if (next.approvals.some((a) => a.approvalId === d.approvalId)) return;
  const approval: ApprovalView = {
    approvalId: d.approvalId,
    kind: d.kind,
    name: d.name,
    stepId: d.stepId,
    agentId: d.agentId,
    tool: d.tool,
    arguments: d.arguments,
    prompt: d.prompt,
    content: d.content,
    requestedAt: e.metadata.recordedAt,
    requestedPosition: e.streamPosition,
    decision: undefined,
    by: undefined,
    comment: undefined,
    output: undefined,
    timedOut: false,
    decidedAt: undefined,
    decidedPosition: undefined,
  };
  next.approvals = [...next.approvals, approval];
}

/** A decision is written on its approval (the first decision of an approval is the one that counts). */
function decided(next: RunState, e: Extract<WaitEvent, { type: 'ApprovalDecided' }>): void {
  const d = e.data;
  const i = next.approvals.findIndex((a) => a.approvalId === d.approvalId && a.decision === undefined);
  if (i < 0) return;
  const approvals = next.approvals.slice();
  approvals[i] = {
    ...approvals[i]!,
    decision: d.decision,
    by: d.by,
    comment: d.comment,
    output: d.output,
    timedOut: d.timedOut === true,
    decidedAt: e.metadata.recordedAt,
    decidedPosition: e.streamPosition,
  };
  next.approvals = approvals;
}

/** A signal wait or sleep of this run (not a branch's) starts, once. */
function waitStarted(next: RunState, w: Omit<WaitStepView, 'status' | 'endedAt' | 'by'>): void {
  if (next.waits.some((x) => x.kind === w.kind && x.id === w.id)) return;
  next.waits = [...next.waits, { ...w, status: 'waiting', endedAt: undefined, by: undefined }];
}

/** The open wait that `match` picks ends, with `status`. */
function waitEnded(next: RunState, match: (w: WaitStepView) => boolean, patch: Pick<WaitStepView, 'status' | 'endedAt'> & { by?: string }): void {
  const i = next.waits.findIndex((w) => w.status === 'waiting' && match(w));
  if (i < 0) return;
  const waits = next.waits.slice();
  waits[i] = { ...waits[i]!, ...patch };
  next.waits = waits;
}

/**
 * The waits of a run: a request adds an entry with what deciding it needs (the prompt, what to
 * approve, an approval's timeout, a signal's schema; a timeout timer only sets its wait's `dueAt`),
 * a decision, signal or fired timer removes it. A parallel branch that waits adds its waits (with
 * the branch's `runId`) when it parks the run (BranchParked); their answers remove them
 * (BranchAnswered). A waiting run holds no executor: the last wait's end
 * makes it `queued` (runnable) until it is claimed or resumed, or `running` when an executor
 * already took it (a worker that claimed it for a due timer).
 */
export function foldWait(next: RunState, e: WaitEvent): RunState {
  const ended = next.endedAt !== undefined;
  const since = e.streamPosition;
  const sinceAt = e.metadata.recordedAt;
  const add = (w: WaitingFor): void => {
    if (ended || next.waitingFor.some((x) => same(x, w))) return;
    next.waitingFor = [...next.waitingFor, w];
    next.status = 'waiting';
    next.worker = undefined;
  };
  const remove = (match: (w: WaitingFor) => boolean): void => {
    const left = next.waitingFor.filter((w) => !match(w));
    if (left.length === next.waitingFor.length) return;
    next.waitingFor = left;
    if (left.length === 0 && next.status === 'waiting') next.status = next.worker === undefined ? 'queued' : 'running';
  };
  switch (e.type) {
    case 'ApprovalRequested': {
      const d = e.data;
      requested(next, e);
      add({ kind: 'approval', id: d.approvalId, name: d.name, prompt: d.prompt, content: d.content, stepId: d.stepId, since, sinceAt, dueAt: d.timeout?.dueAt, onTimeout: d.timeout?.onTimeout });
      break;
    }
    case 'SignalAwaited':
      waitStarted(next, { kind: 'signal', id: e.data.signalId, name: e.data.name, stepId: e.data.stepId, startedAt: sinceAt, dueAt: e.data.dueAt, position: since });
      add({ kind: 'signal', id: e.data.signalId, name: e.data.name, prompt: e.data.prompt, schema: e.data.schema, stepId: e.data.stepId, since, sinceAt, dueAt: e.data.dueAt });
      break;
    case 'TimerStarted': {
      const d = e.data;
      if (d.purpose === 'sleep') waitStarted(next, { kind: 'sleep', id: d.timerId, name: 'sleep', stepId: d.stepId, startedAt: sinceAt, dueAt: d.dueAt, position: since });
      else if (d.for !== undefined) next.waits = next.waits.map((w) => (w.kind === 'signal' && w.id === d.for ? { ...w, dueAt: d.dueAt } : w));
      if (d.purpose === 'sleep') add({ kind: 'timer', id: d.timerId, name: 'sleep', stepId: d.stepId, since, sinceAt, dueAt: d.dueAt });
      else if (d.for !== undefined) next.waitingFor = next.waitingFor.map((w) => (w.runId === undefined && w.id === d.for ? { ...w, dueAt: d.dueAt, timerId: d.timerId } : w));
      break;
    }
    case 'ApprovalDecided':
      decided(next, e);
      remove((w) => w.kind === 'approval' && w.runId === undefined && w.id === e.data.approvalId);
      break;
    case 'SignalReceived':
      waitEnded(next, (w) => w.kind === 'signal' && w.id === e.data.signalId, { status: 'received', endedAt: sinceAt, by: e.data.by });
      remove((w) => w.kind === 'signal' && w.runId === undefined && w.id === e.data.signalId);
      break;
    case 'TimerFired': {
      // A sleep ends; a timed-out signal ends too (an approval's timeout ends with its decision).
      const signal = next.waitingFor.find((w) => w.runId === undefined && w.kind === 'signal' && w.timerId === e.data.timerId);
      waitEnded(next, (w) => (w.kind === 'sleep' && w.id === e.data.timerId) || (signal !== undefined && w.kind === 'signal' && w.id === signal.id), {
        status: signal ? 'timedOut' : 'done',
        endedAt: sinceAt,
      });
      remove((w) => w.runId === undefined && ((w.kind === 'timer' && w.id === e.data.timerId) || (w.kind === 'signal' && w.timerId === e.data.timerId)));
      break;
    }
    case 'BranchParked':
      for (const w of e.data.waitingFor) add({ ...w, since, sinceAt });
      break;
    case 'BranchAnswered':
      remove((w) => same(w, e.data));
      break;
  }
  return next;
}
