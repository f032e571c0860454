/**
 * OTel spans of recorded runs, read from the trace projection ({@link traceProjection}): a run's
 * events are folded with it, and each span that an event ends is exported then, mapped to the
 * GenAI semantic conventions. There is no second span model here, only the mapping.
 */
import { createHash } from 'node:crypto';
import type { AigenEvent } from '../../events/envelope.js';
import { project } from '../../events/projection.js';
import { initialTrace, RUN_SPAN, traceProjection, type SpanEvent, type SpanRecord, type TraceState } from '../trace.js';

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

/** One run as the OTel export folds it: its trace projection so far, and the OTel trace it belongs to. */
export interface RunSpans {
  runId: string;
  /** The OTel trace id (the root run's, see {@link otelTraceId}). */
  traceId: string;
  /** The run's trace projection after the events folded so far. */
  trace: TraceState;
  /** The run span has ended (and was exported): later events export nothing. */
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
 * span without reading it. Other span ids derive from the run id and the trace span's id.
 * @example
 * ```ts
 * runSpanId('7f3c'); // 16 hex digits, the same in every process
 * ```
 */
export function runSpanId(runId: string): string {
  return hex(`run:${runId}`, 16);
}

/**
 * The OTel span id of the trace projection's span `id` (`step:s1`, `model:c1`, …) in run `runId`.
 * @example
 * ```ts
 * otelSpanId('7f3c', 'run') === runSpanId('7f3c'); // true
 * ```
 */
export function otelSpanId(runId: string, id: string): string {
  return id === RUN_SPAN ? runSpanId(runId) : hex(`span:${runId}/${id}`, 16);
}

const GEN_AI_SYSTEM = 'openai';

const isAttribute = (v: unknown): v is SpanAttribute =>
  typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v)) || (Array.isArray(v) && v.every((x) => typeof x === 'string'));

/** The entries of `values` that are attribute values (undefined and objects are left out). */
function attributes(values: Record<string, unknown>): Record<string, SpanAttribute> {
  const out: Record<string, SpanAttribute> = {};
  for (const [k, v] of Object.entries(values)) if (isAttribute(v)) out[k] = v;
  return out;
}

const field = (v: unknown, key: string): unknown => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined);

const usageAttributes = (s: SpanRecord) => (s.usage ? { 'gen_ai.usage.input_tokens': s.usage.inputTokens, 'gen_ai.usage.output_tokens': s.usage.outputTokens } : {});

/** How an ended run ended: `completed`, `partial`, `failed` or `cancelled`. */
function runStatus(run: SpanRecord): string {
  if (run.status === 'ok') return run.attributes.partial === true ? 'partial' : 'completed';
  return run.attributes.cancelled !== undefined ? 'cancelled' : 'failed';
}

/** The span name and GenAI attributes of each kind of trace span that is exported as an OTel span. */
const EXPORTED: Readonly<Partial<Record<SpanRecord['kind'], (t: TraceState, s: SpanRecord) => { name: string; attributes: Record<string, unknown> }>>> = {
  run: (t, s) => {
    const a = s.attributes;
    const forkOf = a.forkOf === undefined ? undefined : `${String(field(a.forkOf, 'runId'))}@${String(field(a.forkOf, 'position'))}`;
    return {
      name: `workflow ${s.name}`,
      attributes: {
        'gen_ai.operation.name': 'invoke_workflow',
        'gen_ai.system': GEN_AI_SYSTEM,
        'gen_ai.request.model': a.model,
        'aigen.run.id': t.runId,
        'aigen.workflow.name': a.workflow,
        'aigen.workflow.kind': a.kind,
        'aigen.trace_id': t.traceId,
        'aigen.run.parent_id': a.parentRunId,
        'aigen.run.branch': a.branch,
        'aigen.run.fork_of': forkOf,
        'aigen.run.status': s.endedAt !== undefined ? runStatus(s) : undefined,
      },
    };
  },
  step: (_t, s) => ({
    name: `invoke_agent ${s.name}`,
    attributes: {
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.system': GEN_AI_SYSTEM,
      'gen_ai.agent.name': s.name,
      'gen_ai.agent.id': s.attributes.agentId ?? s.name,
      'aigen.step.id': s.attributes.stepId,
      'aigen.step.attempt': s.attributes.attempts,
    },
  }),
  model: (_t, s) => ({
    name: `chat ${s.name}`,
    attributes: {
      'gen_ai.operation.name': 'chat',
      'gen_ai.system': GEN_AI_SYSTEM,
      'gen_ai.request.model': s.attributes.model,
      'aigen.step.id': s.attributes.stepId,
      'gen_ai.response.model': s.status === 'ok' ? s.attributes.model : undefined,
      'gen_ai.response.id': s.attributes.responseId,
    },
  }),
  tool: (_t, s) => ({
    name: `execute_tool ${s.name}`,
    attributes: {
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': s.name,
      'gen_ai.tool.call.id': s.attributes.callId,
      'aigen.step.id': s.attributes.stepId,
    },
  }),
};

/** The status of an ended span: ok, or an error with its message (a span the run's end ended says so). */
function statusOf(t: TraceState, s: SpanRecord): LogSpan['status'] {
  if (s.status === 'ok') return { code: 'ok' };
  const a = s.attributes;
  if (a.endedBy !== undefined) return { code: 'error', message: `run ${runStatus(t.run)} before it ended` };
  if (s.kind === 'run' && typeof a.cancelled === 'string') return { code: 'error', message: `cancelled: ${a.cancelled}` };
  const message = field(a.error, 'message');
  return typeof message === 'string' ? { code: 'error', message } : { code: 'error' };
}

/** A span event of the trace span itself (a step's retry, the run's resume). */
function ownEvent(e: SpanEvent): LogSpan['events'][number] {
  const a = e.attributes;
  const values = e.name === 'retry' ? { 'aigen.step.attempt': a.attempt, 'aigen.retry.in_ms': a.retryInMs } : { 'aigen.resume.reason': a.reason };
  return { name: e.name, at: e.at, attributes: attributes(values) };
}

/**
 * The span events of an exported span: its own events, the handoffs recorded under it, and for the
 * run span its branch decisions and child runs (in the trace these are spans of their own).
 */
function eventsOf(t: TraceState, span: SpanRecord): LogSpan['events'] {
  const out = (span.events ?? []).map(ownEvent);
  if (span.kind !== 'run' && span.kind !== 'step') return out;
  const isRun = span.id === RUN_SPAN;
  for (const s of t.spans) {
    const a = s.attributes;
    if (s.kind === 'handoff' && s.parent === span.id) {
      out.push({ name: 'handoff', at: s.startedAt, attributes: attributes({ 'aigen.handoff.from': a.from, 'aigen.handoff.to': a.to }) });
    } else if (isRun && s.kind === 'branch') {
      out.push({ name: 'branch', at: s.startedAt, attributes: attributes({ 'aigen.step.id': a.stepId, 'aigen.branch': a.branch, 'aigen.branch.reason': a.reason }) });
    } else if (isRun && s.kind === 'child') {
      out.push({ name: 'child_run.started', at: s.startedAt, attributes: attributes({ 'aigen.run.child_id': a.childRunId, 'aigen.run.branch': a.branch }) });
      // A child the parent's failure or cancel ended in the trace did not finish: no event.
      if (s.endedAt !== undefined && a.endedBy === undefined) out.push({ name: 'child_run.finished', at: s.endedAt, attributes: attributes({ 'aigen.run.child_id': a.childRunId, 'aigen.run.status': a.childStatus }) });
    }
  }
  return out.sort((x, y) => (x.at < y.at ? -1 : x.at > y.at ? 1 : 0));
}

/** Trace span `s` of `t` as an ended OTel span (undefined for kinds not exported: approvals, handoffs, branches, child runs, SDK spans). */
function logSpan(t: TraceState, traceId: string, s: SpanRecord, endedAt: string, status: LogSpan['status']): LogSpan | undefined {
  const mapped = EXPORTED[s.kind]?.(t, s);
  if (!mapped) return undefined;
  const a = s.attributes;
  const errorType = s.status === 'error' && a.endedBy === undefined ? field(a.error, 'code') : undefined;
  const parentRunId = typeof a.parentRunId === 'string' ? a.parentRunId : undefined;
  return {
    traceId,
    spanId: otelSpanId(t.runId, s.id),
    parentSpanId: s.id === RUN_SPAN ? (parentRunId !== undefined ? runSpanId(parentRunId) : undefined) : otelSpanId(t.runId, s.parent),
    name: mapped.name,
    kind: s.kind === 'model' ? 'client' : 'internal',
    startedAt: s.startedAt,
    endedAt,
    attributes: attributes({ ...mapped.attributes, ...usageAttributes(s), 'error.type': errorType }),
    events: eventsOf(t, s),
    status,
  };
}

/**
 * The OTel spans that one event ended: the exported spans that are ended in `after` and were not
 * in `before` (a span keeps its index in the trace, so the two are compared index by index). When
 * the run span ends, the spans still running end with it, so the exported trace is complete.
 * @example
 * ```ts
 * const after = project(traceProjection, before, event);
 * sink(endedSpans(before, after, otelTraceId(after.traceId)));
 * ```
 */
export function endedSpans(before: TraceState, after: TraceState, traceId: string): LogSpan[] {
  const out: LogSpan[] = [];
  const push = (span: LogSpan | undefined) => span && out.push(span);
  if (after.spans !== before.spans) {
    after.spans.forEach((span, i) => {
      const was = before.spans[i];
      if (span === was || span.endedAt === undefined || (was?.id === span.id && was.endedAt !== undefined)) return;
      push(logSpan(after, traceId, span, span.endedAt, statusOf(after, span)));
    });
  }
  const end = after.run.endedAt;
  if (before.run.endedAt === undefined && end !== undefined) {
    // Spans a crash left open end with the run (a failed or cancelled run has ended them already).
    const leftOpen: LogSpan['status'] = { code: 'error', message: `run ${runStatus(after.run)} before it ended` };
    for (const span of after.spans) if (span.endedAt === undefined) push(logSpan(after, traceId, span, end, leftOpen));
    push(logSpan(after, traceId, after.run, end, statusOf(after, after.run)));
  }
  return out;
}

/**
 * The spans of a run from its RunStarted event. `traceId` is the OTel trace id the run belongs
 * to: its own, or its root run's for a child run (see {@link otelTraceId}).
 * @example
 * ```ts
 * const run = startRunSpans(runStarted, otelTraceId(runStarted.data.traceId));
 * ```
 */
export function startRunSpans(e: Extract<AigenEvent, { type: 'RunStarted' }>, traceId: string): RunSpans {
  return { runId: e.data.runId, traceId, trace: initialTrace(e), ended: false };
}

/**
 * Fold one recorded event into a run's trace projection (updating `run`) and return the OTel
 * spans it ends ({@link endedSpans}). Agent steps are `invoke_agent` spans, model calls `chat`
 * spans and tool calls `execute_tool` spans (GenAI semantic conventions); handoffs, branch
 * decisions, retries, child runs and resumes are span events. Folding the same events always
 * yields the same spans with the same ids; after the run span ended, nothing more.
 * @example
 * ```ts
 * const run = startRunSpans(runStarted, otelTraceId(runStarted.data.traceId));
 * const finished = rest.flatMap((e) => applyRunSpans(run, e));
 * ```
 */
export function applyRunSpans(run: RunSpans, e: AigenEvent): LogSpan[] {
  if (run.ended) return [];
  const before = run.trace;
  run.trace = project(traceProjection, before, e);
  run.ended = run.trace.run.endedAt !== undefined;
  return endedSpans(before, run.trace, run.traceId);
}
