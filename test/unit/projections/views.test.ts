import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../../src/events/envelope.js';
import { applyRunViews, foldRunViews } from '../../../src/projections/fold.js';
import { EventRejectedError } from '../../../src/projections/errors.js';
import { encodeCursor, normalizeRunsQuery } from '../../../src/projections/runsList.js';
import { traceView, renderTraceTree, traceToJson } from '../../../src/projections/traceTree.js';
import { buildUsageView, costUsd, DEFAULT_PRICES } from '../../../src/projections/usage.js';

let pos = 0;
let clock = Date.parse('2025-05-01T08:00:00.000Z');
function ev(type: string, data: Record<string, unknown>, extra: { actorId?: string; position?: number; stream?: string } = {}): RecordedEvent {
  const streamPosition = extra.position ?? pos++;
  clock += 10;
  return {
    eventId: `e${streamPosition}`,
    streamId: extra.stream ?? 'run-r1',
    streamPosition,
    globalPosition: String(streamPosition + 1),
    type,
    data,
    metadata: { runId: 'r1', rootRunId: 'r1', actorId: extra.actorId, recordedAt: new Date(clock).toISOString(), schemaVersion: 1 },
  };
}
const usage = (i: number, o: number) => ({ requests: 1, inputTokens: i, outputTokens: o, totalTokens: i + o });
const started = (model = 'gpt-4o') =>
  ev('RunStarted', { runId: 'r1', workflow: { name: 'wf', kind: 'sequential', version: '1', definition: {} }, input: 'hello', options: { maxRetries: 1, retryDelayMs: 1, maxTurns: 3 }, model, traceId: 'tr' });

/** A run with a retried step, a tool call, a handoff, SDK spans recorded children first, a branch and a child run. */
function sampleRun(): RecordedEvent[] {
  pos = 0;
  clock = Date.parse('2025-05-01T08:00:00.000Z');
  return [
    started(),
    ev('TaskSent', { stepId: '1-a', agentId: 'a', input: 'x', attempt: 1 }, { actorId: 'a' }),
    ev('ModelCalled', { stepId: '1-a', callId: 'c1', model: 'gpt-4o', requestDigest: 'd' }),
    ev('ModelFailed', { stepId: '1-a', callId: 'c1', model: 'gpt-4o', error: { code: 'X', message: 'down' }, retryable: true }),
    ev('StepFailed', { stepId: '1-a', agentId: 'a', error: { code: 'X', message: 'down' }, attempt: 1, willRetry: true, retryInMs: 5 }),
    ev('TaskSent', { stepId: '1-a', agentId: 'a', input: 'x', attempt: 2 }, { actorId: 'a' }),
    ev('ModelCalled', { stepId: '1-a', callId: 'c2', model: 'gpt-4o', requestDigest: 'd' }),
    ev('ModelResponded', { stepId: '1-a', callId: 'c2', model: 'gpt-4o', response: { output: [], usage: usage(100, 50) } }),
    ev('ToolCalled', { stepId: '1-a', callId: 't1', tool: 'search', arguments: '{}' }),
    ev('ToolReturned', { stepId: '1-a', callId: 't1', tool: 'search', output: 'ok' }),
    ev('SpanRecorded', { traceId: 'tr', spanId: 's2', parentId: 's1', spanType: 'agent', name: 'a', startedAt: '2025-05-01T08:00:00.060Z', endedAt: '2025-05-01T08:00:00.090Z', data: {} }),
    ev('SpanRecorded', { traceId: 'tr', spanId: 's1', parentId: null, spanType: 'custom', name: 'task', startedAt: '2025-05-01T08:00:00.055Z', endedAt: '2025-05-01T08:00:00.095Z', data: { data: { usage: { input_tokens: 100, output_tokens: 50 } } } }),
    ev('HandoffRequested', { stepId: '1-a', from: 'a', to: 'b', input: 'go' }),
    ev('StepCompleted', { stepId: '1-a', agentId: 'a', output: 'A'.repeat(500), usage: usage(100, 50), attempt: 2 }),
    ev('BranchTaken', { stepId: '1-a', branch: 'left', reason: 'because' }),
    ev('ChildRunStarted', { childRunId: 'r1.left', branch: 'left' }),
    ev('ChildRunFinished', { childRunId: 'r1.left', branch: 'left', status: 'failed', error: { code: 'E', message: 'no' } }),
    ev('Transitioned', { actorId: 'workflow', from: null, to: { branches: { left: 'done' } }, event: 'x' }),
    ev('RunCompleted', { output: 'final', partial: true, usage: usage(100, 50), durationMs: 180 }),
  ];
}

describe('run views reducer', () => {
  it('folds status: retries, handoffs, branch, child runs, states, partial end, counters', () => {
    const { views, rejected } = foldRunViews(sampleRun());
    expect(rejected).toEqual([]);
    const s = views!.status;
    expect(s).toMatchObject({ status: 'partial', partial: true, output: 'final', usage: usage(100, 50), eventCount: 19, lastPosition: 18, rootRunId: 'r1' });
    expect(s.steps).toEqual([expect.objectContaining({ stepId: '1-a', agentId: 'a', attempts: 2, status: 'completed', usage: usage(100, 50), outputPreview: `${'A'.repeat(200)}…` })]);
    expect(s.handoffs).toEqual([{ stepId: '1-a', from: 'a', to: 'b' }]);
    expect(s.branch).toEqual({ stepId: '1-a', branch: 'left', reason: 'because' });
    expect(s.childRuns).toEqual([{ childRunId: 'r1.left', branch: 'left', status: 'failed' }]);
    expect(s.states).toEqual({ workflow: { branches: { left: 'done' } } });
  });

  it('shows a retrying run while a step waits for its next attempt', () => {
    const events = sampleRun().slice(0, 5);
    expect(foldRunViews(events).views!.status).toMatchObject({ status: 'retrying', steps: [expect.objectContaining({ status: 'retrying', attempts: 1 })] });
    expect(foldRunViews(sampleRun().slice(0, 6)).views!.status.status).toBe('running');
  });

  it('builds the span tree: SDK spans under their parent, the SDK root under the running step', () => {
    const trace = traceView(foldRunViews(sampleRun()).views!.trace!);
    const step = trace.root.children.find((c) => c.kind === 'step')!;
    expect(step).toMatchObject({ id: 'step:1-a', status: 'ok', usage: usage(100, 50), attributes: { attempts: 2 } });
    // Siblings by start time: the SDK task span (from the SDK's clock) started before the second call.
    expect(step.children.map((c) => `${c.kind}:${c.name}:${c.status}`)).toEqual([
      'model:gpt-4o:error',
      'sdk:task:ok',
      'model:gpt-4o:ok',
      'tool:search:ok',
      'handoff:a → b:ok',
      'branch:left:ok',
    ]);
    const task = step.children.find((c) => c.kind === 'sdk')!;
    expect(task).toMatchObject({ durationMs: 40, usage: { inputTokens: 100, outputTokens: 50, totalTokens: 150 } });
    expect(task.children.map((c) => c.id)).toEqual(['sdk:s2']);
    const child = trace.root.children.find((c) => c.kind === 'child')!;
    expect(child).toMatchObject({ status: 'error', attributes: { childRunId: 'r1.left', childStatus: 'failed' } });
    expect(trace.root).toMatchObject({ status: 'ok', durationMs: 180, attributes: { partial: true } });
    const text = renderTraceTree(trace);
    expect(text.split('\n')[0]).toBe('run wf 180ms 150 tok');
    expect(text).toContain('├─ step a');
    expect(text).toContain('│  ├─ model gpt-4o [error]');
    expect(renderTraceTree(trace, { sdk: false })).not.toContain('sdk');
    expect(renderTraceTree(trace, { maxDepth: 1 }).split('\n').every((l) => !l.startsWith('│  '))).toBe(true);
    expect(JSON.parse(traceToJson(trace))).toEqual(JSON.parse(JSON.stringify(trace)));
  });

  it('rejects an event before RunStarted, a second RunStarted, a replayed position and an unknown type', () => {
    pos = 0;
    const first = started();
    const views = applyRunViews(undefined, first);
    expect(() => applyRunViews(undefined, ev('TaskSent', { stepId: 's', agentId: 'a', input: 'x', attempt: 1 }))).toThrow(/before the run's RunStarted/);
    expect(() => applyRunViews(views, first)).toThrow(EventRejectedError);
    expect(() => applyRunViews(views, ev('Transitioned', { actorId: 'w', from: null, to: 'x', event: 'e' }, { position: 0 }))).toThrow(/applied twice/);
    expect(() => applyRunViews(views, ev('Teleported', {}))).toThrow(/unknown event type/);
    // Only a store with a lenient codec could deliver this (StepCompleted without usage).
    expect(() => applyRunViews(views, ev('StepCompleted', { stepId: 's', agentId: 'a', output: 'x', attempt: 1 }))).toThrow(/malformed/);
    // A gap (an unreadable event skipped) is fine.
    expect(applyRunViews(views, ev('Transitioned', { actorId: 'w', from: null, to: 'x', event: 'e' }, { position: 5 })).status.lastPosition).toBe(5);
  });

  it('detail: false folds the status alone', () => {
    const { views } = foldRunViews(sampleRun(), false);
    expect(views).toEqual({ status: foldRunViews(sampleRun()).views!.status });
  });
});

describe('usage and prices', () => {
  const rows = [
    { runId: 'r1', rootRunId: 'r1', agentId: 'a', model: 'gpt-4o', usage: usage(1_000_000, 100_000) },
    { runId: 'r1', rootRunId: 'r1', agentId: 'b', model: 'offline', usage: usage(10, 10) },
    { runId: 'r2', rootRunId: 'r2', agentId: 'a', model: 'my-local-llm', usage: usage(5, 5) },
  ];

  it('prices per million tokens; a model without a price has tokens and no cost, and so has every line that includes it', () => {
    expect(costUsd('gpt-4o', usage(1_000_000, 100_000))).toBeCloseTo(2.5 + 1, 10);
    expect(costUsd('offline', usage(123, 456))).toBe(0);
    expect(costUsd('gpt-4o-2024-08-06', usage(1, 1))).toBeUndefined();
    expect(costUsd('toString', usage(1, 1))).toBeUndefined();
    const view = buildUsageView(rows, DEFAULT_PRICES);
    expect(view.byModel['my-local-llm']).toEqual({ usage: usage(5, 5), costUsd: undefined });
    expect(view.byRun.r1!.costUsd).toBeCloseTo(3.5, 10);
    expect(view.byRun.r2!.costUsd).toBeUndefined();
    expect(view.byAgent.a).toEqual({ usage: { requests: 2, inputTokens: 1_000_005, outputTokens: 100_005, totalTokens: 1_100_010 }, costUsd: undefined });
    expect(view.overall.costUsd).toBeUndefined();
    const priced = buildUsageView(rows, { ...DEFAULT_PRICES, 'my-local-llm': { inputPerMillion: 1, outputPerMillion: 1 } });
    expect(priced.overall.costUsd).toBeCloseTo(3.5 + 10 / 1e6, 10);
    // Sums never depend on the order rows come back in (floating-point costs included).
    const many = Array.from({ length: 50 }, (_, i) => ({ runId: `r${i % 7}`, rootRunId: `r${i % 7}`, agentId: `a${i % 3}`, model: i % 2 ? 'gpt-4o' : 'gpt-4o-mini', usage: usage(1 + i * 37, 3 + i * 11) }));
    expect(buildUsageView([...many].reverse())).toEqual(buildUsageView(many));
    expect(buildUsageView([])).toEqual({ overall: { usage: { requests: 0, inputTokens: 0, outputTokens: 0, totalTokens: 0 }, costUsd: 0 }, byRun: {}, byAgent: {}, byModel: {} });
  });
});

describe('runs query', () => {
  it('has defaults, round-trips cursors and refuses bad input', () => {
    expect(normalizeRunsQuery()).toEqual({ status: undefined, workflow: undefined, rootOnly: false, limit: 50, after: undefined });
    const cursor = encodeCursor({ startedAt: '2025-01-01T00:00:00.000Z', runId: 'abc' });
    expect(normalizeRunsQuery({ cursor }).after).toEqual({ startedAt: '2025-01-01T00:00:00.000Z', runId: 'abc' });
    expect(() => normalizeRunsQuery({ cursor: encodeCursor({ startedAt: 'x', runId: 'y' }).slice(3) })).toThrow(/cursor/);
    expect(() => normalizeRunsQuery({ limit: 1001 })).toThrow(/limit/);
    expect(() => normalizeRunsQuery({ limit: 2.5 })).toThrow(/limit/);
  });
});
