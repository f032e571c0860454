import { describe, expect, it } from 'vitest';
import { foldTimed } from '../../support/fold.js';

const fold = foldTimed;

const started = (queued: boolean) => ({ runId: 'r', workflow: { name: 'w', kind: 'sequential' }, model: 'offline', input: 'x', traceId: 't', queued });
const owner = { host: 'h', pid: 1 };
const step = { stepId: 's1', agentId: 'writer', attempt: 1, input: 'x' };
const done = { stepId: 's1', output: 'ok', usage: { requests: 1, inputTokens: 1, outputTokens: 1, totalTokens: 2 } };
const end = { output: 'ok', partial: false, usage: done.usage, durationMs: 1 };

describe('a run’s wall clock and active time', () => {
  it('the wall clock runs from start to end; the active time leaves out the queue before a worker claims the run', () => {
    const s = fold([
      [0, 'RunStarted', started(true)],
      [20, 'RunClaimed', { workerId: 'w1', owner, leaseMs: 30_000, fromPosition: 0 }],
      [21, 'TaskSent', step],
      [23, 'StepCompleted', done],
      [24, 'RunCompleted', end],
    ]);
    expect(s.durationMs).toBe(24_000);
    expect(s.activeMs).toBe(4_000);
  });

  it('the time a crashed run lay stalled, until another process resumed it, is not active', () => {
    const s = fold([
      [0, 'RunStarted', started(false)],
      [1, 'TaskSent', step],
      // The process dies here; another resumes the run 30 s later.
      [31, 'RunResumed', { fromPosition: 1, reason: 'crashed', owner }],
      [32, 'StepCompleted', done],
      [33, 'RunCompleted', end],
    ]);
    expect(s.durationMs).toBe(33_000);
    expect(s.activeMs).toBe(3_000);
  });

  it('the recorded duration of the last process does not stand for the run’s: a run that failed after a stall reports its wall clock', () => {
    const s = fold([
      [0, 'RunStarted', started(false)],
      [2, 'TaskSent', step],
      [62, 'RunClaimed', { workerId: 'w2', owner, leaseMs: 30_000, fromPosition: 1 }],
      [63, 'RunFailed', { error: { code: 'X', message: 'boom' }, usage: done.usage, durationMs: 1_000 }],
    ]);
    expect(s.durationMs).toBe(63_000);
    expect(s.activeMs).toBe(3_000);
  });

  it('while a run goes on, there is no wall clock yet and the active time counts to its last event', () => {
    const s = fold([
      [0, 'RunStarted', started(false)],
      [5, 'TaskSent', step],
    ]);
    expect(s.durationMs).toBeUndefined();
    expect(s.activeMs).toBe(5_000);
    expect(s.lastActivityAt).toBe('2026-01-01T00:00:05.000Z');
  });
});
