import fc from 'fast-check';
import type { NewAigenEvent } from '../../../../src/events/envelope.js';

/**
 * fast-check arbitraries of plausible runs built from the event catalogue: RunStarted, steps with
 * retries (TaskSent, Transitioned, model calls that answer or fail, tools, SDK spans, handoffs),
 * branches, child runs, forks and a terminal event (or none: still running), interleaved across
 * runs the way concurrent runs interleave in a store.
 */

export interface GenEvent {
  streamId: string;
  event: NewAigenEvent;
}

const AGENTS = ['research', 'writer', 'editor', 'critic'] as const;
const MODELS = ['offline', 'gpt-4o', 'mystery-model'] as const;
const WORKFLOWS = [
  ['content_generation', 'sequential'],
  ['dynamic_content', 'handoff'],
  ['content_router', 'branching'],
] as const;

const usageArb = fc.record({ i: fc.nat(900), o: fc.nat(900) }).map(({ i, o }) => ({ requests: 1, inputTokens: i, outputTokens: o, totalTokens: i + o }));

const attemptArb = fc.record({
  answer: fc.constantFrom('responded', 'responded', 'failed'),
  usage: usageArb,
  tool: fc.constantFrom('none', 'returned', 'failed'),
  spans: fc.nat(3),
  handoffTo: fc.option(fc.constantFrom(...AGENTS), { nil: undefined }),
});

const stepArb = fc.record({
  agent: fc.constantFrom(...AGENTS),
  attempts: fc.array(attemptArb, { minLength: 1, maxLength: 3 }),
  succeeds: fc.boolean(),
  branch: fc.option(fc.constantFrom('technical', 'creative', 'general'), { nil: undefined }),
});

const runArb = fc.record({
  workflow: fc.constantFrom(...WORKFLOWS),
  model: fc.constantFrom(...MODELS),
  input: fc.string({ maxLength: 200 }),
  steps: fc.array(stepArb, { maxLength: 4 }),
  children: fc.array(fc.constantFrom('completed', 'failed', 'running'), { maxLength: 2 }),
  end: fc.constantFrom('completed', 'partial', 'failed', 'cancelled', 'none'),
  lateSpan: fc.boolean(),
  forkOf: fc.option(fc.record({ run: fc.nat(20), position: fc.nat(10) }), { nil: undefined }),
  parent: fc.option(fc.nat(20), { nil: undefined }),
  startMs: fc.nat(60_000),
});

type RunSpec = typeof runArb extends fc.Arbitrary<infer T> ? T : never;

/** The events of one generated run, in stream order. */
export function runEvents(spec: RunSpec, runId: string, earlier: readonly string[]): NewAigenEvent[] {
  const out: NewAigenEvent[] = [];
  let clock = Date.parse('2025-03-01T10:00:00.000Z') + spec.startMs;
  const at = () => new Date((clock += 7)).toISOString();
  const meta = (actorId?: string) => ({ runId, rootRunId: runId, ...(actorId ? { actorId } : {}), recordedAt: at(), schemaVersion: 1 });
  const parentRunId = spec.parent !== undefined && earlier.length > 0 ? earlier[spec.parent % earlier.length] : undefined;
  const fork = spec.forkOf && earlier.length > 0 ? { runId: earlier[spec.forkOf.run % earlier.length]!, position: spec.forkOf.position } : undefined;
  out.push({
    type: 'RunStarted',
    data: {
      runId,
      workflow: { name: spec.workflow[0], kind: spec.workflow[1], version: '1', definition: { root: spec.workflow[0] } },
      input: spec.input,
      options: { maxRetries: 2, retryDelayMs: 10, maxTurns: 10 },
      model: spec.model,
      traceId: `trace_${runId}`,
      ...(parentRunId ? { parentRunId, branch: 'b' } : {}),
      ...(fork ? { forkOf: fork } : {}),
    },
    metadata: meta(),
  });
  const total = { requests: 0, inputTokens: 0, outputTokens: 0, totalTokens: 0 };
  spec.steps.forEach((step, s) => {
    const stepId = `${s + 1}-${step.agent}`;
    out.push({ type: 'Transitioned', data: { actorId: 'workflow', machine: spec.workflow[0], from: s === 0 ? null : 'prev', to: step.agent, event: 'next' }, metadata: meta('workflow') });
    step.attempts.forEach((a, i) => {
      const attempt = i + 1;
      const last = attempt === step.attempts.length;
      const callId = `${stepId}.${attempt}.1`;
      out.push({ type: 'TaskSent', data: { stepId, agentId: step.agent, input: spec.input, attempt }, metadata: meta(step.agent) });
      out.push({ type: 'Transitioned', data: { actorId: step.agent, machine: 'agent', from: attempt === 1 ? null : 'retrying', to: 'working', event: 'go' }, metadata: meta(step.agent) });
      out.push({ type: 'ModelCalled', data: { stepId, callId, model: spec.model, requestDigest: `d${s}${attempt}` }, metadata: meta(step.agent) });
      if (a.answer === 'responded') {
        const output = [{ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: `answer ${stepId}` }] }];
        out.push({ type: 'ModelResponded', data: { stepId, callId, model: spec.model, response: { output, usage: a.usage } }, metadata: meta(step.agent) });
      } else {
        out.push({ type: 'ModelFailed', data: { stepId, callId, model: spec.model, error: { code: 'MODEL_ERROR', message: 'boom' }, retryable: true }, metadata: meta(step.agent) });
      }
      if (a.tool !== 'none') {
        const tcall = `${callId}.tool`;
        out.push({ type: 'ToolCalled', data: { stepId, callId: tcall, tool: 'search', arguments: '{"q":"x"}' }, metadata: meta(step.agent) });
        out.push(
          a.tool === 'returned'
            ? { type: 'ToolReturned', data: { stepId, callId: tcall, tool: 'search', output: { hits: 2 } }, metadata: meta(step.agent) }
            : { type: 'ToolFailed', data: { stepId, callId: tcall, tool: 'search', error: { code: 'TOOL', message: 'no' } }, metadata: meta(step.agent) },
        );
      }
      // SDK spans end children first, as the SDK records them.
      for (let k = a.spans; k > 0; k--) {
        const spanId = `span_${runId}_${s}_${attempt}_${k}`;
        const parentId = k === 1 ? null : `span_${runId}_${s}_${attempt}_${k - 1}`;
        const t0 = new Date(clock).toISOString();
        out.push({
          type: 'SpanRecorded',
          data: { traceId: `trace_${runId}`, spanId, parentId, spanType: k === 1 ? 'custom' : 'agent', name: k === 1 ? 'task' : step.agent, startedAt: t0, endedAt: t0, data: { usage: { input_tokens: a.usage.inputTokens, output_tokens: a.usage.outputTokens } } },
          metadata: meta(),
        });
      }
      if (a.handoffTo) out.push({ type: 'HandoffRequested', data: { stepId, from: step.agent, to: a.handoffTo, input: 'over to you' }, metadata: meta(step.agent) });
      if (last && step.succeeds) {
        const usage = a.answer === 'responded' ? a.usage : { requests: 0, inputTokens: 0, outputTokens: 0, totalTokens: 0 };
        total.requests += usage.requests;
        total.inputTokens += usage.inputTokens;
        total.outputTokens += usage.outputTokens;
        total.totalTokens += usage.totalTokens;
        out.push({ type: 'StepCompleted', data: { stepId, agentId: step.agent, output: `done ${stepId}`, usage, attempt }, metadata: meta(step.agent) });
      } else {
        out.push({ type: 'StepFailed', data: { stepId, agentId: step.agent, error: { code: 'STEP', message: 'failed' }, attempt, willRetry: !last, ...(last ? {} : { retryInMs: 10 }) }, metadata: meta(step.agent) });
      }
    });
    if (step.branch) out.push({ type: 'BranchTaken', data: { stepId, branch: step.branch, reason: 'classifier said so' }, metadata: meta() });
  });
  spec.children.forEach((status, c) => {
    const childRunId = `${runId}.child${c}`;
    out.push({ type: 'ChildRunStarted', data: { childRunId, branch: `child${c}` }, metadata: meta() });
    if (status !== 'running') out.push({ type: 'ChildRunFinished', data: { childRunId, branch: `child${c}`, status: status === 'completed' ? 'completed' : 'failed', output: 'x' }, metadata: meta() });
  });
  const durationMs = 7 * out.length;
  if (spec.end === 'completed' || spec.end === 'partial') {
    out.push({ type: 'RunCompleted', data: { output: 'final', partial: spec.end === 'partial', usage: total, durationMs }, metadata: meta() });
  } else if (spec.end === 'failed') {
    out.push({ type: 'RunFailed', data: { error: { code: 'STEP_FAILED', message: 'a step failed' }, usage: total, durationMs }, metadata: meta() });
  } else if (spec.end === 'cancelled') {
    out.push({ type: 'RunCancelled', data: { reason: 'user', usage: total, durationMs }, metadata: meta() });
  }
  if (spec.lateSpan && spec.end !== 'none') {
    out.push({ type: 'SpanRecorded', data: { traceId: `trace_${runId}`, spanId: `late_${runId}`, parentId: null, spanType: 'custom', name: 'late', startedAt: null, endedAt: null, data: {} }, metadata: meta() });
  }
  return out;
}

/** Several runs (and, sometimes, an orphan stream whose RunStarted is missing), interleaved. */
export const scenarioArb = fc
  .record({
    runs: fc.array(runArb, { minLength: 1, maxLength: 8 }),
    picks: fc.array(fc.nat(), { maxLength: 400 }),
    orphan: fc.boolean(),
    seed: fc.string({ minLength: 4, maxLength: 4, unit: fc.constantFrom(...'abcdef0123456789') }),
  })
  .map(({ runs, picks, orphan, seed }) => {
    const ids: string[] = [];
    const queues: GenEvent[][] = runs.map((spec, i) => {
      const runId = `${seed}-${i}`;
      const events = runEvents(spec, runId, ids);
      ids.push(runId);
      return events.map((event) => ({ streamId: `run-${runId}`, event }));
    });
    if (orphan) {
      const meta = { runId: 'orphan', recordedAt: '2025-03-01T10:00:00.000Z', schemaVersion: 1 };
      queues.push([{ streamId: `run-${seed}-orphan`, event: { type: 'TaskSent', data: { stepId: '1-x', agentId: 'x', input: 'i', attempt: 1 }, metadata: meta } }]);
    }
    // Interleave: each pick advances one run; the rest follow in run order.
    const merged: GenEvent[] = [];
    for (const p of picks) {
      const live = queues.filter((q) => q.length > 0);
      if (live.length === 0) break;
      merged.push(live[p % live.length]!.shift()!);
    }
    for (const q of queues) merged.push(...q.splice(0));
    return { events: merged, runIds: ids };
  });
