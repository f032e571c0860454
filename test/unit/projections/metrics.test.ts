import { describe, expect, it } from 'vitest';
import type { AigenEvent, RecordedEvent } from '../../../src/events/envelope.js';
import { project } from '../../../src/events/projection.js';
import { RunMetrics } from '../../../src/projections/metrics.js';
import { initialMetricsFacts, metricsProjection, type MetricsFacts } from '../../../src/projections/metricsProjection.js';
import { parsePrometheus } from '../../support/prometheus.js';
import { runRecorder } from '../../support/recordedRun.js';

const usage = (input: number, output: number) => ({ requests: 1, inputTokens: input, outputTokens: output, totalTokens: input + output });
const owner = { host: 'h', pid: 1 };
const workflow = { name: 'writer', kind: 'sequential', version: '1', definition: {} };
const started = (runId: string) => ({ runId, workflow, input: 'x', options: { maxRetries: 0, retryDelayMs: 1, maxTurns: 5 }, model: 'gpt-4o', traceId: 'tr' });

/** r1 runs one step of two seconds with one model call and completes. */
function completedRun(): RecordedEvent[] {
  const { ev } = runRecorder('r1');
  return [
    ev('RunStarted', started('r1')),
    ev('TaskSent', { stepId: '1-writer', agentId: 'writer', input: 'x', attempt: 1 }),
    ev('ModelResponded', { stepId: '1-writer', callId: 'c1', model: 'gpt-4o', response: { output: [], usage: usage(1_000_000, 100_000) } }),
    ev('StepCompleted', { stepId: '1-writer', agentId: 'writer', output: 'done', usage: usage(1_000_000, 100_000), attempt: 1 }),
    ev('RunCompleted', { output: 'done', partial: false, usage: usage(1_000_000, 100_000), durationMs: 3000 }),
  ];
}

/** r2 is claimed, given back and claimed again (no expiration), then taken over twice (two) and fails. */
function takenOverRun(): RecordedEvent[] {
  const { ev } = runRecorder('r2');
  return [
    ev('RunStarted', { ...started('r2'), queued: true }),
    ev('RunClaimed', { workerId: 'w1', owner, leaseMs: 1000, fromPosition: 0 }),
    ev('RunReleased', { workerId: 'w1', reason: 'drain' }),
    ev('RunClaimed', { workerId: 'w2', owner, leaseMs: 1000, fromPosition: 2 }),
    ev('RunClaimed', { workerId: 'w3', owner, leaseMs: 1000, fromPosition: 3 }),
    ev('RunResumed', { fromPosition: 4, reason: 'resume' }),
    ev('RunFailed', { error: { code: 'X', message: 'x' }, usage: usage(0, 0), durationMs: 5 }),
  ];
}

describe('the metrics projection', () => {
  it('says what each event yields, remembers a run only until it ends, and reads no other stream', () => {
    let facts: MetricsFacts = initialMetricsFacts();
    const yields: unknown[] = [];
    for (const e of completedRun()) {
      facts = project(metricsProjection, facts, e as AigenEvent);
      yields.push(...facts.samples);
    }
    expect(yields).toEqual([
      { kind: 'runStarted', workflow: 'writer' },
      { kind: 'modelUsage', model: 'gpt-4o', usage: usage(1_000_000, 100_000) },
      { kind: 'stepEnded', agent: 'writer', seconds: 2 },
      { kind: 'runFinished', workflow: 'writer', status: 'completed' },
    ]);
    expect(facts.runs.size).toBe(0);
    const other = { ...completedRun()[0]!, streamId: 'worker-w1' } as AigenEvent;
    const after = project(metricsProjection, facts, other);
    expect(after).toEqual({ runs: new Map(), samples: [] });
    expect(project(metricsProjection, after, other)).toBe(after);
  });
});

describe('RunMetrics', () => {
  it('counts runs, step durations, tokens, priced cost and lease expirations from the events', async () => {
    const metrics = new RunMetrics({ runs: () => Promise.resolve({ rows: [], nextCursor: undefined }) });
    for (const e of [...completedRun(), ...takenOverRun()]) metrics.apply(e as AigenEvent);
    const m = parsePrometheus(await metrics.render());
    expect(m.get('aigen_runs_started_total{workflow="writer"}')).toBe(2);
    expect(m.get('aigen_runs_finished_total{workflow="writer",status="completed"}')).toBe(1);
    expect(m.get('aigen_runs_finished_total{workflow="writer",status="failed"}')).toBe(1);
    expect(m.get('aigen_step_duration_seconds_count{agent="writer"}')).toBe(1);
    expect(m.get('aigen_step_duration_seconds_sum{agent="writer"}')).toBe(2);
    expect(m.get('aigen_model_tokens_total{model="gpt-4o",direction="input"}')).toBe(1_000_000);
    expect(m.get('aigen_model_tokens_total{model="gpt-4o",direction="output"}')).toBe(100_000);
    expect(m.get('aigen_cost_usd_total{model="gpt-4o"}')).toBeCloseTo(3.5, 10);
    expect(m.get('aigen_lease_expirations_total')).toBe(2);
    metrics.close();
  });
});
