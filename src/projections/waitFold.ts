import type { AigenEvent } from '../events/envelope.js';
import type { RunState, WaitingFor } from './runStateTypes.js';

type WaitEvent = Extract<AigenEvent, { type: 'ApprovalRequested' | 'SignalAwaited' | 'TimerStarted' | 'ApprovalDecided' | 'SignalReceived' | 'TimerFired' }>;

/**
 * The waits of a run: a request adds an entry (a timeout timer only sets its wait's `dueAt`), a
 * decision, signal or fired timer removes it. A waiting run holds no executor: the last wait's end
 * makes it `queued` (runnable) until it is claimed or resumed, or `running` when an executor
 * already took it (a worker that claimed it for a due timer).
 */
export function foldWait(next: RunState, e: WaitEvent): RunState {
  const ended = next.endedAt !== undefined;
  const since = e.streamPosition;
  const sinceAt = e.metadata.recordedAt;
  const add = (w: WaitingFor): void => {
    if (ended || next.waitingFor.some((x) => x.id === w.id)) return;
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
      add({ kind: 'approval', id: d.approvalId, name: d.name, prompt: d.prompt, content: d.content, stepId: d.stepId, since, sinceAt, dueAt: d.timeout?.dueAt });
      break;
    }
    case 'SignalAwaited':
      add({ kind: 'signal', id: e.data.signalId, name: e.data.name, prompt: e.data.prompt, stepId: e.data.stepId, since, sinceAt, dueAt: e.data.dueAt });
      break;
    case 'TimerStarted': {
      const d = e.data;
      if (d.purpose === 'sleep') add({ kind: 'timer', id: d.timerId, name: 'sleep', stepId: d.stepId, since, sinceAt, dueAt: d.dueAt });
      else if (d.for !== undefined) next.waitingFor = next.waitingFor.map((w) => (w.id === d.for ? { ...w, dueAt: d.dueAt, timerId: d.timerId } : w));
      break;
    }
    case 'ApprovalDecided':
      remove((w) => w.kind === 'approval' && w.id === e.data.approvalId);
      break;
    case 'SignalReceived':
      remove((w) => w.kind === 'signal' && w.id === e.data.signalId);
      break;
    case 'TimerFired':
      // A sleep ends; a timed-out signal ends too (an approval's timeout ends with its decision).
      remove((w) => (w.kind === 'timer' && w.id === e.data.timerId) || (w.kind === 'signal' && w.timerId === e.data.timerId));
      break;
  }
  return next;
}
