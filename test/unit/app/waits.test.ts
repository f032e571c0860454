import { describe, expect, it } from 'vitest';
import { pendingOf, pendingOfState } from '../../../src/app/waits.js';
import type { RecordedEvent } from '../../../src/events/envelope.js';
import { foldRunState } from '../../../src/projections/runState.js';
import { parseNamedTokens } from '../../../src/server/security.js';
import { runRecorder } from '../../support/recordedRun.js';

const { ev, at, reset } = runRecorder('r1');
function start(): RecordedEvent[] {
  reset();
  return [
    ev('RunStarted', { runId: 'r1', workflow: { name: 'review', kind: 'sequential', version: '1', definition: {} }, input: 'x', options: { maxRetries: 0, retryDelayMs: 1, maxTurns: 5 }, model: 'offline', traceId: 'tr' }),
  ];
}
const toolApproval = () =>
  ev('ApprovalRequested', { approvalId: '1-support.approval.c1', kind: 'tool', name: 'issue_refund', stepId: '1-support', agentId: 'support', tool: 'issue_refund', arguments: '{"amount":40}', prompt: 'Refund?', content: { amount: 40 } });

describe('what a run waits for, as the CLI and the API list it', () => {
  it('lists a pending tool approval with its request details, and a signal with its schema; a timer is not a decision', () => {
    const events = [
      ...start(),
      toolApproval(),
      ev('SignalAwaited', { signalId: '2-pay.signal', name: 'payment', stepId: '2-pay', schema: { type: 'object' }, prompt: 'Paid?' }),
      ev('TimerStarted', { timerId: '3-nap.timer', dueAt: at(60), stepId: '3-nap', purpose: 'sleep' }),
    ];
    expect(pendingOf(events)).toEqual([
      { runId: 'r1', workflow: 'review', kind: 'tool', id: '1-support.approval.c1', name: 'issue_refund', stepId: '1-support', agentId: 'support', prompt: 'Refund?', content: { amount: 40 }, since: at(1), position: 1 },
      { runId: 'r1', workflow: 'review', kind: 'signal', id: '2-pay.signal', name: 'payment', stepId: '2-pay', prompt: 'Paid?', schema: { type: 'object' }, since: at(2), position: 2 },
    ]);
  });

  it('a decided approval, and every wait of a run that ended, are no longer pending', () => {
    const decided = [...start(), toolApproval(), ev('ApprovalDecided', { approvalId: '1-support.approval.c1', decision: 'approve', by: 'ann' })];
    expect(pendingOf(decided)).toEqual([]);
    const cancelled = [...start(), toolApproval(), ev('RunCancelled', { reason: 'stop', usage: { requests: 0, inputTokens: 0, outputTokens: 0, totalTokens: 0 }, durationMs: 1 })];
    expect(pendingOf(cancelled)).toEqual([]);
  });

  it('an approval with a timeout carries when and how the timeout decides it', () => {
    const events = [
      ...start(),
      ev('ApprovalRequested', { approvalId: '2-review.approval', kind: 'step', name: 'review', stepId: '2-review', prompt: 'Publish?', content: 'draft', timeout: { dueAt: at(100), onTimeout: 'reject' } }),
    ];
    expect(pendingOf(events)).toEqual([expect.objectContaining({ kind: 'step', name: 'review', content: 'draft', dueAt: at(100), onTimeout: 'reject' })]);
  });

  it('is read from the run state: its waits hold the timeout and the schema, its approvals the kind and agent', () => {
    const events = [
      ...start(),
      toolApproval(),
      ev('SignalAwaited', { signalId: '2-pay.signal', name: 'payment', stepId: '2-pay', schema: { type: 'object' }, dueAt: at(90) }),
      ev('TimerStarted', { timerId: '2-pay.timeout', dueAt: at(90), stepId: '2-pay', purpose: 'timeout', for: '2-pay.signal' }),
    ];
    const state = foldRunState(events);
    expect(state.waitingFor[1]).toMatchObject({ kind: 'signal', schema: { type: 'object' }, dueAt: at(90), timerId: '2-pay.timeout' });
    expect(pendingOfState(state)).toEqual(pendingOf(events));
    expect(pendingOfState(state)[1]).toEqual({ runId: 'r1', workflow: 'review', kind: 'signal', id: '2-pay.signal', name: 'payment', stepId: '2-pay', schema: { type: 'object' }, since: at(2), position: 2, dueAt: at(90) });
  });
});

describe('named API tokens', () => {
  it('parses name=token pairs, and refuses a pair without a name', () => {
    expect(parseNamedTokens('alice=aaaaaaaaaaaaaaaa, bob=bbbbbbbbbbbbbbbb')).toEqual([
      { name: 'alice', token: 'aaaaaaaaaaaaaaaa' },
      { name: 'bob', token: 'bbbbbbbbbbbbbbbb' },
    ]);
    expect(parseNamedTokens(undefined)).toEqual([]);
    expect(() => parseNamedTokens('=secret')).toThrow(expect.objectContaining({ path: 'AIGEN_API_TOKENS' }));
  });
});
