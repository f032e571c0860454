import { describe, expect, it } from 'vitest';
import type { AigenEvent } from '../../../src/events/envelope.js';
import { project } from '../../../src/events/projection.js';
import { applyRunSpans, otelSpanId, runSpanId, startRunSpans, type LogSpan } from '../../../src/projections/otel/spans.js';
import { initialTrace, traceProjection, type TraceState } from '../../../src/projections/trace.js';

let pos = 0;
let clock = Date.parse('2025-05-01T08:00:00.000Z');
function ev(type: AigenEvent['type'], data: Record<string, unknown>): AigenEvent {
  const streamPosition = pos++;
  clock += 10;
  return {
    eventId: `e${streamPosition}`,
    streamId: 'run-r1',
    streamPosition,
    globalPosition: String(streamPosition + 1),
    type,
    data,
    metadata: { runId: 'r1', rootRunId: 'r1', recordedAt: new Date(clock).toISOString(), schemaVersion: 1 },
  } as AigenEvent;
}
const usage = (i: number, o: number) => ({ requests: 1, inputTokens: i, outputTokens: o, totalTokens: i + o });

/** A run whose step is retried, whose process died mid-call and resumed, and which completes with a call left open. */
function run(): AigenEvent[] {
  pos = 0;
  clock = Date.parse('2025-05-01T08:00:00.000Z');
  return [
    ev('RunStarted', { runId: 'r1', workflow: { name: 'wf', kind: 'sequential', version: '1', definition: {} }, input: 'hi', options: { maxRetries: 1, retryDelayMs: 1, maxTurns: 3 }, model: 'm', traceId: 'tr' }),
    ev('TaskSent', { stepId: '1-a', agentId: 'a', input: 'x', attempt: 1 }),
    ev('StepFailed', { stepId: '1-a', agentId: 'a', error: { code: 'X', message: 'down' }, attempt: 1, willRetry: true, retryInMs: 5 }),
    ev('TaskSent', { stepId: '1-a', agentId: 'a', input: 'x', attempt: 2 }),
    ev('ModelCalled', { stepId: '1-a', callId: 'c1', model: 'm', requestDigest: 'd' }),
    ev('RunResumed', { fromPosition: 4, reason: 'crashed' }),
    ev('ModelCalled', { stepId: '1-a', callId: 'c1', model: 'm', requestDigest: 'd' }),
    ev('ModelResponded', { stepId: '1-a', callId: 'c1', model: 'm', response: { output: [], usage: usage(10, 5), responseId: 'resp1' } }),
    ev('HandoffRequested', { stepId: '1-a', from: 'a', to: 'b', input: 'over' }),
    ev('StepCompleted', { stepId: '1-a', agentId: 'a', output: 'ok', usage: usage(10, 5), attempt: 2 }),
    ev('TaskSent', { stepId: '2-b', agentId: 'b', input: 'y', attempt: 1 }),
    ev('ToolCalled', { stepId: '2-b', callId: 't1', tool: 'search', arguments: '{}' }),
    ev('RunCompleted', { output: 'done', partial: false, usage: usage(10, 5), durationMs: 100 }),
    ev('StepCompleted', { stepId: '2-b', agentId: 'b', output: 'late', usage: usage(1, 1), attempt: 1 }),
  ];
}

/** Every property of `value`, recursively, made read-only (a handler that writes to it throws). */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

describe('the trace projection', () => {
  it('leaves the state it is given as it was', () => {
    const [first, ...rest] = run();
    let trace: TraceState = initialTrace(first as Extract<AigenEvent, { type: 'RunStarted' }>);
    for (const e of rest) trace = project(traceProjection, deepFreeze(trace), e);
    expect(trace.spans.find((s) => s.id === 'step:1-a')?.events).toEqual([{ name: 'retry', at: expect.any(String) as string, attributes: { attempt: 1, retryInMs: 5 } }]);
    expect(trace.run.events?.map((e) => e.name)).toEqual(['resumed']);
  });
});

describe('OTel spans read from the trace projection', () => {
  const [first, ...rest] = run();
  const spans: LogSpan[][] = [];
  const state = startRunSpans(first as Extract<AigenEvent, { type: 'RunStarted' }>, 'a'.repeat(32));
  for (const e of rest) spans.push(applyRunSpans(state, e));
  const all = spans.flat();
  const byName = (name: string) => all.filter((s) => s.name === name);

  it('exports each span once, when the event that ends it is folded, and nothing after the run ended', () => {
    expect(all.map((s) => s.name)).toEqual(['chat m', 'invoke_agent a', 'invoke_agent b', 'execute_tool search', 'workflow wf']);
    expect(new Set(all.map((s) => s.spanId)).size).toBe(all.length);
    expect(spans.at(-1)).toEqual([]);
    expect(byName('chat m')[0]!.spanId).toBe(otelSpanId('r1', 'model:c1'));
    expect(byName('workflow wf')[0]!.spanId).toBe(runSpanId('r1'));
  });

  it('a retried step is one invoke_agent span with a retry event and its handoffs; the run span carries the resume', () => {
    const [step] = byName('invoke_agent a');
    expect(step!.status).toEqual({ code: 'ok' });
    expect(step!.attributes).toMatchObject({ 'aigen.step.attempt': 2, 'gen_ai.usage.input_tokens': 10, 'gen_ai.agent.name': 'a' });
    expect(step!.events.map((e) => e.name)).toEqual(['retry', 'handoff']);
    expect(step!.events[0]!.attributes).toEqual({ 'aigen.step.attempt': 1, 'aigen.retry.in_ms': 5 });
    const [chat] = byName('chat m');
    expect(chat!.parentSpanId).toBe(step!.spanId);
    expect(chat!.kind).toBe('client');
    expect(chat!.attributes).toMatchObject({ 'gen_ai.response.id': 'resp1', 'gen_ai.usage.output_tokens': 5 });
    const [root] = byName('workflow wf');
    expect(root!.parentSpanId).toBeUndefined();
    expect(root!.events).toEqual([{ name: 'resumed', at: expect.any(String) as string, attributes: { 'aigen.resume.reason': 'crashed' } }]);
    expect(root!.attributes['aigen.run.status']).toBe('completed');
  });

  it('spans still running when the run completes end with it, as errors', () => {
    for (const name of ['invoke_agent b', 'execute_tool search']) {
      const [span] = byName(name);
      expect(span!.status).toEqual({ code: 'error', message: 'run completed before it ended' });
      expect(span!.endedAt).toBe(byName('workflow wf')[0]!.endedAt);
    }
  });
});
