import { describe, expect, it } from 'vitest';
import type { RunState } from '../../../src/projections/runState.js';
import { foldTimed } from '../../support/fold.js';

/** A stream of events, one a second. */
const fold = (events: Array<[string, Record<string, unknown>]>): RunState => foldTimed(events.map(([type, data], i) => [i, type, data]));

const usage = (input: number, output: number) => ({ requests: 1, inputTokens: input, outputTokens: output, totalTokens: input + output });
const started = ['RunStarted', { runId: 'r', workflow: { name: 'w', kind: 'sequential' }, model: 'offline', input: 'x', traceId: 't' }] as [string, Record<string, unknown>];
const task = (stepId: string, attempt = 1) => ['TaskSent', { stepId, agentId: 'writer', attempt, input: 'x' }] as [string, Record<string, unknown>];
const answered = (stepId: string, u: ReturnType<typeof usage>) =>
  ['ModelResponded', { stepId, callId: `c-${stepId}-${u.totalTokens}`, model: 'offline', response: { output: [], usage: u } }] as [string, Record<string, unknown>];

describe('the tokens a run shows while it goes on', () => {
  it('a step that waits for an approval mid-way counts the model calls it made', () => {
    const s = fold([
      started,
      task('1-writer'),
      answered('1-writer', usage(30, 18)),
      ['ApprovalRequested', { approvalId: 'a1', kind: 'tool', name: 'issue_refund', stepId: '1-writer', tool: 'issue_refund', arguments: '{}' }],
    ]);
    expect(s.status).toBe('waiting');
    expect(s.usage.totalTokens).toBe(48);
    expect(s.steps[0]!.usage.totalTokens).toBe(48);
  });

  it('a completed step counts once, with the total its StepCompleted records', () => {
    const s = fold([
      started,
      task('1-writer'),
      answered('1-writer', usage(30, 18)),
      answered('1-writer', usage(40, 10)),
      ['StepCompleted', { stepId: '1-writer', agentId: 'writer', output: 'ok', usage: { requests: 2, inputTokens: 70, outputTokens: 28, totalTokens: 98 }, attempt: 1 }],
      task('2-editor'),
      answered('2-editor', usage(5, 5)),
    ]);
    expect(s.usage).toEqual({ requests: 3, inputTokens: 75, outputTokens: 33, totalTokens: 108 });
    expect(s.steps.map((st) => st.usage.totalTokens)).toEqual([98, 10]);
  });

  it('a failed attempt stops counting, as the run\'s own total does; its retry counts afresh; the end event has the last word', () => {
    const s = fold([
      started,
      task('1-writer'),
      answered('1-writer', usage(30, 18)),
      ['StepFailed', { stepId: '1-writer', agentId: 'writer', error: { code: 'X', message: 'bad' }, attempt: 1, willRetry: true }],
    ]);
    expect(s.usage.totalTokens).toBe(0);
    const retried = [...[started, task('1-writer'), answered('1-writer', usage(30, 18)),
      ['StepFailed', { stepId: '1-writer', agentId: 'writer', error: { code: 'X', message: 'bad' }, attempt: 1, willRetry: true }] as [string, Record<string, unknown>]],
    task('1-writer', 2), answered('1-writer', usage(20, 2))];
    expect(fold(retried).usage.totalTokens).toBe(22);
    expect(fold(retried).steps[0]!.usage.totalTokens).toBe(22);
    const ended = fold([...retried, ['RunCancelled', { reason: 'stop', usage: usage(0, 0), durationMs: 1 }]]);
    expect(ended.usage.totalTokens).toBe(0);
  });
});
