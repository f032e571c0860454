import { createHash } from 'node:crypto';
import type { AigenEvent } from '../../events/envelope.js';

/** An attribute value of an exported span. */
export type SpanAttribute = string | number | boolean | string[];

/** A finished span built from recorded events, ready to export (times are the events' `recordedAt`). */
export interface LogSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  kind: 'internal' | 'client';
  startedAt: string;
  endedAt: string;
  attributes: Record<string, SpanAttribute>;
  events: Array<{ name: string; at: string; attributes: Record<string, SpanAttribute> }>;
  status: { code: 'ok' | 'error' | 'unset'; message?: string };
}

/** A span opened by an event and not ended yet. */
type OpenSpan = Omit<LogSpan, 'endedAt'>;

/** The spans of one run still open after the events folded so far. */
export interface RunSpans {
  runId: string;
  traceId: string;
  run: OpenSpan;
  /** stepId → the span of its latest attempt. */
  steps: Map<string, OpenSpan>;
  /** callId → model or tool call span. */
  calls: Map<string, OpenSpan>;
  ended: boolean;
}

const hex = (text: string, length: number) => createHash('sha256').update(text).digest('hex').slice(0, length);

/**
 * The OTel trace id of an aigen (OpenAI Agents SDK) trace id: the 32 hex digits of `trace_<32 hex>`,
 * so the OpenAI trace and the OTel trace carry the same id; any other text is hashed to 32 hex digits.
 * @example
 * ```ts
 * otelTraceId('trace_0123456789abcdef0123456789abcdef'); // '0123456789abcdef0123456789abcdef'
 * ```
 */
export function otelTraceId(traceId: string): string {
  const m = /^trace_([0-9a-f]{32})$/i.exec(traceId);
  return m ? m[1]!.toLowerCase() : hex(`trace:${traceId}`, 32);
}

/**
 * The span id of a run's root span, derived from its run id, so a child run can name its parent's
 * span without reading it. Other span ids derive from the id of the event that opened them.
 * @example
 * ```ts
 * runSpanId('7f3c'); // 16 hex digits, the same in every process
 * ```
 */
export function runSpanId(runId: string): string {
  return hex(`run:${runId}`, 16);
}

/** The span id of a span opened by the event with this id. */
export const eventSpanId = (eventId: string) => hex(`event:${eventId}`, 16);

const GEN_AI_SYSTEM = 'openai';

function open(run: RunSpans, e: AigenEvent, name: string, parent: string, kind: LogSpan['kind'], attributes: Record<string, SpanAttribute>): OpenSpan {
  return { traceId: run.traceId, spanId: eventSpanId(e.eventId), parentSpanId: parent, name, kind, startedAt: e.metadata.recordedAt, attributes, events: [], status: { code: 'unset' } };
}

const close = (span: OpenSpan, at: string, status: LogSpan['status']): LogSpan => ({ ...span, endedAt: at, status });

/** Remove and return the open span under `key` (undefined: none, e.g. opened before a lost batch). */
function take(spans: Map<string, OpenSpan>, key: string): OpenSpan | undefined {
  const span = spans.get(key);
  spans.delete(key);
  return span;
}

function setUsage(span: OpenSpan, usage: { inputTokens: number; outputTokens: number }): void {
  span.attributes['gen_ai.usage.input_tokens'] = usage.inputTokens;
  span.attributes['gen_ai.usage.output_tokens'] = usage.outputTokens;
}

/**
 * The state of a run's spans from its RunStarted event. `traceId` is the OTel trace id the run
 * belongs to: its own, or its root run's for a child run (see {@link otelTraceId}).
 */
export function startRunSpans(e: Extract<AigenEvent, { type: 'RunStarted' }>, traceId: string): RunSpans {
  const d = e.data;
  const attributes: Record<string, SpanAttribute> = {
    'gen_ai.operation.name': 'invoke_workflow',
    'gen_ai.system': GEN_AI_SYSTEM,
    'gen_ai.request.model': d.model,
    'aigen.run.id': d.runId,
    'aigen.workflow.name': d.workflow.name,
    'aigen.workflow.kind': d.workflow.kind,
    'aigen.trace_id': d.traceId,
  };
  if (d.parentRunId !== undefined) attributes['aigen.run.parent_id'] = d.parentRunId;
  if (d.branch !== undefined) attributes['aigen.run.branch'] = d.branch;
  if (d.forkOf !== undefined) attributes['aigen.run.fork_of'] = `${d.forkOf.runId}@${d.forkOf.position}`;
  const run: OpenSpan = {
    traceId,
    spanId: runSpanId(d.runId),
    parentSpanId: d.parentRunId !== undefined ? runSpanId(d.parentRunId) : undefined,
    name: `workflow ${d.workflow.name}`,
    kind: 'internal',
    startedAt: e.metadata.recordedAt,
    attributes,
    events: [],
    status: { code: 'unset' },
  };
  return { runId: d.runId, traceId, run, steps: new Map(), calls: new Map(), ended: false };
}

/** The step span an event of `stepId` belongs to, else the run span. */
const parentOf = (run: RunSpans, stepId: string) => run.steps.get(stepId)?.spanId ?? run.run.spanId;

function addEvent(run: RunSpans, stepId: string | undefined, name: string, at: string, attributes: Record<string, SpanAttribute>): void {
  const span = (stepId !== undefined ? run.steps.get(stepId) : undefined) ?? run.run;
  span.events.push({ name, at, attributes });
}

/**
 * Fold one recorded event into a run's open spans (mutating `run`) and return the spans it ends.
 * Agent steps are `invoke_agent` spans, model calls `chat` spans and tool calls `execute_tool`
 * spans (GenAI semantic conventions); handoffs, branch decisions, retries, child runs and resumes
 * are span events. Folding the same events always yields the same spans with the same ids.
 * @example
 * ```ts
 * const run = startRunSpans(runStarted, otelTraceId(runStarted.data.traceId));
 * const finished = rest.flatMap((e) => applyRunSpans(run, e));
 * ```
 */
export function applyRunSpans(run: RunSpans, e: AigenEvent): LogSpan[] {
  const at = e.metadata.recordedAt;
  switch (e.type) {
    case 'TaskSent': {
      const d = e.data;
      run.steps.set(
        d.stepId,
        open(run, e, `invoke_agent ${d.agentId}`, run.run.spanId, 'internal', {
          'gen_ai.operation.name': 'invoke_agent',
          'gen_ai.system': GEN_AI_SYSTEM,
          'gen_ai.agent.name': d.agentId,
          'gen_ai.agent.id': d.agentId,
          'aigen.step.id': d.stepId,
          'aigen.step.attempt': d.attempt,
        }),
      );
      return [];
    }
    case 'StepCompleted':
    case 'StepFailed': {
      const span = take(run.steps, e.data.stepId);
      if (!span) return [];
      if (e.type === 'StepCompleted') {
        setUsage(span, e.data.usage);
        return [close(span, at, { code: 'ok' })];
      }
      const d = e.data;
      if (d.willRetry) span.events.push({ name: 'retry', at, attributes: { 'aigen.step.attempt': d.attempt, 'aigen.retry.in_ms': d.retryInMs ?? 0 } });
      span.attributes['error.type'] = d.error.code;
      return [close(span, at, { code: 'error', message: d.error.message })];
    }
    case 'ModelCalled': {
      const d = e.data;
      run.calls.set(
        d.callId,
        open(run, e, `chat ${d.model}`, parentOf(run, d.stepId), 'client', {
          'gen_ai.operation.name': 'chat',
          'gen_ai.system': GEN_AI_SYSTEM,
          'gen_ai.request.model': d.model,
          'aigen.step.id': d.stepId,
        }),
      );
      return [];
    }
    case 'ModelResponded':
    case 'ModelFailed': {
      const span = take(run.calls, e.data.callId);
      if (!span) return [];
      if (e.type === 'ModelFailed') {
        span.attributes['error.type'] = e.data.error.code;
        return [close(span, at, { code: 'error', message: e.data.error.message })];
      }
      const r = e.data.response;
      span.attributes['gen_ai.response.model'] = e.data.model;
      if (r.responseId !== undefined) span.attributes['gen_ai.response.id'] = r.responseId;
      setUsage(span, r.usage);
      return [close(span, at, { code: 'ok' })];
    }
    case 'ToolCalled': {
      const d = e.data;
      run.calls.set(
        d.callId,
        open(run, e, `execute_tool ${d.tool}`, parentOf(run, d.stepId), 'internal', {
          'gen_ai.operation.name': 'execute_tool',
          'gen_ai.tool.name': d.tool,
          'gen_ai.tool.call.id': d.callId,
          'aigen.step.id': d.stepId,
        }),
      );
      return [];
    }
    case 'ToolReturned':
    case 'ToolFailed': {
      const span = take(run.calls, e.data.callId);
      if (!span) return [];
      if (e.type === 'ToolFailed') return [close(span, at, { code: 'error', message: e.data.error.message })];
      return [close(span, at, { code: 'ok' })];
    }
    case 'HandoffRequested':
      addEvent(run, e.data.stepId, 'handoff', at, { 'aigen.handoff.from': e.data.from, 'aigen.handoff.to': e.data.to });
      return [];
    case 'BranchTaken':
      addEvent(run, undefined, 'branch', at, { 'aigen.step.id': e.data.stepId, 'aigen.branch': e.data.branch, 'aigen.branch.reason': e.data.reason });
      return [];
    case 'ChildRunStarted':
      addEvent(run, undefined, 'child_run.started', at, { 'aigen.run.child_id': e.data.childRunId, 'aigen.run.branch': e.data.branch });
      return [];
    case 'ChildRunFinished':
      addEvent(run, undefined, 'child_run.finished', at, { 'aigen.run.child_id': e.data.childRunId, 'aigen.run.status': e.data.status });
      return [];
    case 'RunResumed':
      addEvent(run, undefined, 'resumed', at, { 'aigen.resume.reason': e.data.reason });
      return [];
    case 'RunCompleted':
    case 'RunFailed':
    case 'RunCancelled': {
      if (run.ended) return [];
      run.ended = true;
      setUsage(run.run, e.data.usage);
      const status = e.type === 'RunCompleted' ? (e.data.partial ? 'partial' : 'completed') : e.type === 'RunFailed' ? 'failed' : 'cancelled';
      run.run.attributes['aigen.run.status'] = status;
      // Spans a crash or a cancel left open end with the run, so the trace is complete.
      const leftOpen = [...run.calls.values(), ...run.steps.values()].map((s) => close(s, at, { code: 'error', message: `run ${status} before it ended` }));
      run.calls.clear();
      run.steps.clear();
      const runStatus: LogSpan['status'] =
        e.type === 'RunFailed' ? { code: 'error', message: e.data.error.message } : e.type === 'RunCancelled' ? { code: 'error', message: `cancelled: ${e.data.reason}` } : { code: 'ok' };
      return [...leftOpen, close(run.run, at, runStatus)];
    }
    default:
      return [];
  }
}
