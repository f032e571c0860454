import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../../src/events/envelope.js';
import { foldRunState } from '../../../src/projections/runState.js';
import { runRecorder } from '../../support/recordedRun.js';

const { ev, at, reset } = runRecorder('r1');
const usage = { requests: 0, inputTokens: 0, outputTokens: 0, totalTokens: 0 };
function start(): RecordedEvent[] {
  reset();
  return [
    ev('RunStarted', { runId: 'r1', workflow: { name: 'refund_desk', kind: 'sequential', version: '1', definition: {} }, input: 'refund', options: { maxRetries: 0, retryDelayMs: 1, maxTurns: 5 }, model: 'offline', traceId: 'tr', owner: { host: 'h', pid: 1 } }),
    ev('TaskSent', { stepId: '1-support', agentId: 'support', input: 'refund', attempt: 1 }),
  ];
}
const approvalAsked = (id = '1-support.approval.c1', timeout?: { dueAt: string; onTimeout: 'approve' | 'reject' }) =>
  ev('ApprovalRequested', {
    approvalId: id,
    kind: 'tool',
    name: 'issue_refund',
    stepId: '1-support',
    agentId: 'support',
    tool: 'issue_refund',
    arguments: '{"amount":40}',
    prompt: 'Approve issue_refund?',
    content: { amount: 40 },
    ...(timeout ? { timeout } : {}),
  });

describe('waiting runs in the run-state fold', () => {
  it('an approval request makes the run waiting with what it waits for, and no executor', () => {
    const events = [...start(), approvalAsked()];
    const s = foldRunState(events);
    expect(s.status).toBe('waiting');
    expect(s.worker).toBeUndefined();
    expect(s.waitingFor).toEqual([
      { kind: 'approval', id: '1-support.approval.c1', name: 'issue_refund', prompt: 'Approve issue_refund?', content: { amount: 40 }, stepId: '1-support', since: 2, sinceAt: at(2), dueAt: undefined },
    ]);
  });

  it('the last decision makes the run queued until it is claimed or resumed, then running', () => {
    const events = [...start(), approvalAsked('a1'), approvalAsked('a2'), ev('ApprovalDecided', { approvalId: 'a1', decision: 'approve', by: 'ann' })];
    expect(foldRunState(events)).toMatchObject({ status: 'waiting', waitingFor: [{ id: 'a2' }] });
    events.push(ev('ApprovalDecided', { approvalId: 'a2', decision: 'reject', by: 'bob', comment: 'too much' }));
    expect(foldRunState(events)).toMatchObject({ status: 'queued', waitingFor: [] });
    events.push(ev('RunClaimed', { workerId: 'w1', owner: { host: 'h', pid: 2 }, leaseMs: 1000, fromPosition: events.length - 1 }));
    expect(foldRunState(events)).toMatchObject({ status: 'running', worker: 'w1' });
  });

  it('a resume after the decision makes the run running again', () => {
    const events = [...start(), approvalAsked(), ev('ApprovalDecided', { approvalId: '1-support.approval.c1', decision: 'approve', by: 'ann' })];
    events.push(ev('RunResumed', { fromPosition: 3, reason: 'resume', owner: { host: 'h', pid: 3 } }));
    expect(foldRunState(events)).toMatchObject({ status: 'running', worker: 'h:3' });
  });

  it('a signal wait shows its name, prompt and due time, and ends with the signal', () => {
    const events = [...start(), ev('SignalAwaited', { signalId: '2.signal', name: 'payment', stepId: '2', prompt: 'Pay', dueAt: at(100) })];
    expect(foldRunState(events).waitingFor).toEqual([{ kind: 'signal', id: '2.signal', name: 'payment', prompt: 'Pay', stepId: '2', since: 2, sinceAt: at(2), dueAt: at(100) }]);
    events.push(ev('SignalReceived', { signalId: '2.signal', name: 'payment', payload: { ok: true }, by: 'api' }));
    expect(foldRunState(events)).toMatchObject({ status: 'queued', waitingFor: [] });
  });

  it('a sleep waits for its timer until it fires; a timer fired under a claim leaves the run running', () => {
    const events = [...start(), ev('TimerStarted', { timerId: '2.timer', dueAt: at(50), stepId: '2', purpose: 'sleep' })];
    expect(foldRunState(events)).toMatchObject({ status: 'waiting', waitingFor: [{ kind: 'timer', id: '2.timer', name: 'sleep', dueAt: at(50) }] });
    events.push(ev('RunClaimed', { workerId: 'w2', owner: { host: 'h', pid: 2 }, leaseMs: 1000, fromPosition: 2 }));
    expect(foldRunState(events).status).toBe('waiting');
    events.push(ev('TimerFired', { timerId: '2.timer' }));
    expect(foldRunState(events)).toMatchObject({ status: 'running', worker: 'w2', waitingFor: [] });
  });

  it("a timeout timer sets its approval's due time; the timeout's decision ends the wait", () => {
    const events = [...start(), approvalAsked('a1', { dueAt: at(60), onTimeout: 'reject' }), ev('TimerStarted', { timerId: 'a1.timeout', dueAt: at(60), purpose: 'timeout', for: 'a1' })];
    const waiting = foldRunState(events);
    expect(waiting.waitingFor).toHaveLength(1);
    expect(waiting.waitingFor[0]).toMatchObject({ kind: 'approval', id: 'a1', dueAt: at(60), timerId: 'a1.timeout' });
    events.push(ev('TimerFired', { timerId: 'a1.timeout' }));
    expect(foldRunState(events).status).toBe('waiting');
    events.push(ev('ApprovalDecided', { approvalId: 'a1', decision: 'reject', by: 'timeout', timedOut: true }));
    expect(foldRunState(events)).toMatchObject({ status: 'queued', waitingFor: [] });
  });

  it("a signal's timeout firing ends its wait", () => {
    const events = [...start(), ev('SignalAwaited', { signalId: 's', name: 'go', stepId: '2', dueAt: at(9) }), ev('TimerStarted', { timerId: 's.timeout', dueAt: at(9), purpose: 'timeout', for: 's' })];
    events.push(ev('TimerFired', { timerId: 's.timeout' }));
    expect(foldRunState(events)).toMatchObject({ status: 'queued', waitingFor: [] });
  });

  it('a terminal event clears what the run waited for', () => {
    const events = [...start(), approvalAsked(), ev('RunCancelled', { reason: 'no longer needed', usage, durationMs: 5 })];
    expect(foldRunState(events)).toMatchObject({ status: 'cancelled', waitingFor: [] });
  });

  it('a request asked again (re-execution) is listed once', () => {
    const events = [...start(), approvalAsked('a1'), approvalAsked('a1')];
    expect(foldRunState(events).waitingFor).toHaveLength(1);
  });
});

describe('approvals in the run-state fold', () => {
  it('lists each approval asked, once, with its decision, who, comment and when; the list stays after the run ended', () => {
    const events = [...start(), approvalAsked('a1'), approvalAsked('a2', { dueAt: at(50), onTimeout: 'reject' }), approvalAsked('a1')];
    events.push(ev('ApprovalDecided', { approvalId: 'a1', decision: 'approve', by: 'ann', comment: 'photos attached' }));
    events.push(ev('ApprovalDecided', { approvalId: 'a2', decision: 'reject', by: 'timeout', timedOut: true }));
    events.push(ev('RunCompleted', { output: 'done', partial: false, usage, durationMs: 5 }));
    const s = foldRunState(events);
    expect(s.waitingFor).toEqual([]);
    expect(s.approvals).toEqual([
      {
        approvalId: 'a1', kind: 'tool', name: 'issue_refund', stepId: '1-support', agentId: 'support', tool: 'issue_refund', arguments: '{"amount":40}',
        prompt: 'Approve issue_refund?', content: { amount: 40 }, requestedAt: at(2), requestedPosition: 2,
        decision: 'approve', by: 'ann', comment: 'photos attached', output: undefined, timedOut: false, decidedAt: at(5), decidedPosition: 5,
      },
      expect.objectContaining({ approvalId: 'a2', requestedPosition: 3, decision: 'reject', by: 'timeout', comment: undefined, timedOut: true, decidedAt: at(6), decidedPosition: 6 }),
    ]);
  });

  it('an approval still pending when the run is cancelled stays listed, undecided', () => {
    const events = [...start(), approvalAsked('a1'), ev('RunCancelled', { reason: 'no longer needed', usage, durationMs: 5 })];
    expect(foldRunState(events).approvals).toEqual([expect.objectContaining({ approvalId: 'a1', decision: undefined, by: undefined, decidedAt: undefined })]);
  });

  it('a second decision of a decided approval changes nothing', () => {
    const events = [...start(), approvalAsked('a1'), ev('ApprovalDecided', { approvalId: 'a1', decision: 'approve', by: 'ann' }), ev('ApprovalDecided', { approvalId: 'a1', decision: 'reject', by: 'bob' })];
    expect(foldRunState(events).approvals).toEqual([expect.objectContaining({ decision: 'approve', by: 'ann', decidedPosition: 3 })]);
  });
});
