import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../../src/events/envelope.js';
import { foldRunState } from '../../../src/projections/runState.js';

function run(...events: Array<[string, Record<string, unknown>]>): RecordedEvent[] {
  return events.map(([type, data], i) => ({
    eventId: `e${i}`,
    streamId: 'run-r1',
    streamPosition: i,
    globalPosition: String(i + 1),
    type,
    data,
    metadata: { runId: 'r1', rootRunId: 'r1', recordedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(), schemaVersion: 1 },
  }));
}

const started = (extra: Record<string, unknown> = {}): [string, Record<string, unknown>] => [
  'RunStarted',
  { runId: 'r1', workflow: { name: 'wf', kind: 'sequential', version: '1', definition: {} }, input: 'hi', options: { maxRetries: 0, retryDelayMs: 0, maxTurns: 3 }, model: 'offline', traceId: 't', ...extra },
];
const owner = { host: 'box', pid: 42 };

describe('the run fold and workers', () => {
  it('a submitted run is queued with no worker until a claim makes it running under that worker', () => {
    const events = run(started({ queued: true }), ['RunClaimed', { workerId: 'w1', owner, leaseMs: 1000, fromPosition: 0 }]);
    expect(foldRunState(events, 0)).toMatchObject({ status: 'queued', worker: undefined });
    expect(foldRunState(events)).toMatchObject({ status: 'running', worker: 'w1' });
  });

  it('a run started by its own process is running under host:pid', () => {
    expect(foldRunState(run(started({ owner })))).toMatchObject({ status: 'running', worker: 'box:42' });
  });

  it('a released run is queued again and the next claim names the next worker', () => {
    const events = run(
      started({ queued: true }),
      ['RunClaimed', { workerId: 'w1', owner, leaseMs: 1000, fromPosition: 0 }],
      ['RunReleased', { workerId: 'w1', reason: 'draining' }],
      ['RunClaimed', { workerId: 'w2', owner, leaseMs: 1000, fromPosition: 2 }],
    );
    expect(foldRunState(events, 2)).toMatchObject({ status: 'queued', worker: undefined });
    expect(foldRunState(events)).toMatchObject({ status: 'running', worker: 'w2' });
  });

  it('a claim never reopens an ended run', () => {
    const usage = { requests: 0, inputTokens: 0, outputTokens: 0, totalTokens: 0 };
    const events = run(started({ owner }), ['RunCompleted', { output: 'x', partial: false, usage, durationMs: 1 }], ['RunClaimed', { workerId: 'w1', owner, leaseMs: 1000, fromPosition: 1 }]);
    expect(foldRunState(events).status).toBe('completed');
  });
});
