/**
 * The trace projection: the spans of one run (the run, its steps, model and tool calls,
 * approvals, handoffs, branches, child runs, recorded SDK spans), opened and closed by its events.
 * It is the one span model: the trace view (`traceTree.ts`) builds its tree from it, and the OTel
 * export (`otel/spans.ts`) exports the spans it ends.
 */
import type { EventData } from '../events/catalogue.js';
import type { Usage } from '../events/common.js';
import type { AigenEvent, RecordedEvent } from '../events/envelope.js';
import { defineProjection, project, type EventOf } from '../events/projection.js';
import { addUsage, zeroUsage } from '../events/usage.js';
import type { TraceSpan } from './api.js';
import { previewValue, SDK_PREVIEW, sdkUsage } from './preview.js';

/** Something that happened at one instant inside a span: a retry of a step, a resume of the run. */
export interface SpanEvent {
  name: 'retry' | 'resumed';
  at: string;
  attributes: Record<string, unknown>;
}

/** One span of a run as the trace projection stores it (flat; the tree is built on read). */
export interface SpanRecord {
  id: string;
  kind: TraceSpan['kind'];
  name: string;
  /** Id of the parent span; for SDK spans the step matched when the span was recorded. */
  parent: string;
  /** SDK spans: id (`sdk:<spanId>`) of the SDK parent span, preferred over `parent` when recorded. */
  sdkParent?: string;
  startedAt: string;
  endedAt?: string | undefined;
  usage?: Usage;
  status: TraceSpan['status'];
  attributes: Record<string, unknown>;
  /** Instants inside the span (a step's retries, the run's resumes), oldest first; absent when none. */
  events?: SpanEvent[];
}

/** The trace projection of one run: the run span and every other span, in the order they were opened. */
export interface TraceState {
  runId: string;
  traceId: string;
  /** The run span. */
  run: SpanRecord;
  /** Every other span; a span keeps its index once added (spans are replaced in place, never removed). */
  spans: SpanRecord[];
  /** Span id of the step whose task was sent last and has not ended yet. */
  openStep: string | undefined;
  /** Span id of the step whose task was sent last. */
  lastStep: string | undefined;
  lastPosition: number;
}

/** Id of the run span of every trace. */
export const RUN_SPAN = 'run';
/**
 * Initial trace of a run from its RunStarted event.
 * @example
 * ```ts
 * const trace = rest.reduce(applyTrace, initialTrace(runStarted));
 * ```
 */
export function initialTrace(e: RecordedEvent<'RunStarted', EventData<'RunStarted'>>): TraceState {
  const d = e.data;
  const attributes: Record<string, unknown> = { workflow: d.workflow.name, kind: d.workflow.kind, model: d.model, input: previewValue(d.input) };
  if (d.parentRunId !== undefined) attributes.parentRunId = d.parentRunId;
  if (d.branch !== undefined) attributes.branch = d.branch;
  if (d.forkOf !== undefined) attributes.forkOf = d.forkOf;
  return {
    runId: d.runId,
    traceId: d.traceId,
    run: { id: RUN_SPAN, kind: 'run', name: d.workflow.name, parent: '', startedAt: e.metadata.recordedAt, status: 'running', attributes },
    spans: [],
    openStep: undefined,
    lastStep: undefined,
    lastPosition: e.streamPosition,
  };
}

/** Index of span `id`, searching from the newest (the span an event refers to is usually recent). */
function find(spans: readonly SpanRecord[], id: string): number {
  for (let i = spans.length - 1; i >= 0; i--) if (spans[i]!.id === id) return i;
  return -1;
}

/** The step span of `stepId`, or the run span when the step is unknown. */
function stepOf(t: TraceState, stepId: string): string {
  const id = `step:${stepId}`;
  return find(t.spans, id) >= 0 ? id : RUN_SPAN;
}

/**
 * The span a model or tool call belongs to: the tool call whose nested run made it (an agent used
 * as a tool), else its step.
 */
function callParent(t: TraceState, d: { stepId: string; parentCallId?: string | undefined }): string {
  if (d.parentCallId !== undefined && find(t.spans, `tool:${d.parentCallId}`) >= 0) return `tool:${d.parentCallId}`;
  return stepOf(t, d.stepId);
}

/** Attributes of a call nested inside a tool call, or served by an MCP server. */
function callLinks(d: { parentCallId?: string | undefined; server?: string | undefined }): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (d.parentCallId !== undefined) out.parentCallId = d.parentCallId;
  if (d.server !== undefined) out.server = d.server;
  return out;
}

/** `spans` with the span at `i` replaced (a copy; `spans` is left as it was). */
function replaceAt(spans: readonly SpanRecord[], i: number, span: SpanRecord): SpanRecord[] {
  const out = spans.slice();
  out[i] = span;
  return out;
}

/** The trace with `span` added; one with the same id (e.g. a model call re-issued on resume) is replaced in place. */
function add(t: TraceState, span: SpanRecord): TraceState {
  const i = find(t.spans, span.id);
  return { ...t, spans: i < 0 ? [...t.spans, span] : replaceAt(t.spans, i, span) };
}

/** The trace with span `id` replaced by `f` of it; undefined when there is no such span. */
function mapSpan(t: TraceState, id: string, f: (span: SpanRecord) => SpanRecord): TraceState | undefined {
  const i = find(t.spans, id);
  return i < 0 ? undefined : { ...t, spans: replaceAt(t.spans, i, f(t.spans[i]!)) };
}

/** The trace with span `id` updated by `change` and extra attributes; undefined when there is no such span. */
function patch(t: TraceState, id: string, change: Partial<SpanRecord>, attributes?: Record<string, unknown>): TraceState | undefined {
  return mapSpan(t, id, (span) => ({ ...span, ...change, attributes: attributes ? { ...span.attributes, ...attributes } : span.attributes }));
}

/** Add or update span `fresh.id`: a start event may be missing when its end arrives (or the reverse). */
function upsert(t: TraceState, fresh: SpanRecord, change: Partial<SpanRecord>, attributes: Record<string, unknown>): TraceState {
  return patch(t, fresh.id, change, attributes) ?? add(t, { ...fresh, ...change, attributes: { ...fresh.attributes, ...attributes } });
}

/** A span with one more event. */
const withEvent = (span: SpanRecord, event: SpanEvent): SpanRecord => ({ ...span, events: [...(span.events ?? []), event] });

/** The run span ended with `status`, the run's usage and extra attributes. */
function endRun(t: TraceState, at: string, status: TraceSpan['status'], usage: Usage, attributes: Record<string, unknown>): TraceState {
  return { ...t, run: { ...t.run, status, endedAt: at, usage, attributes: { ...t.run.attributes, ...attributes } } };
}

/** A run that failed or was cancelled ends what was still running in it (a step, a model call) when it ends. */
function endOpenSpans(t: TraceState, at: string, endedBy: string): TraceState {
  if (!t.spans.some((span) => span.status === 'running')) return t;
  const spans = t.spans.map((span): SpanRecord => (span.status === 'running' ? { ...span, status: 'error', endedAt: at, attributes: { ...span.attributes, endedBy } } : span));
  return { ...t, spans, openStep: undefined };
}

/** A running span as the first event that names it opens it (later events' changes are applied over it). */
const opened = (id: string, kind: SpanRecord['kind'], name: string, parent: string, at: string, attributes: Record<string, unknown> = {}): SpanRecord => ({
  id,
  kind,
  name,
  parent,
  startedAt: at,
  status: 'running',
  attributes,
});

/** A step span as its first event opens it. */
const stepSpan = (d: { stepId: string; agentId: string }, at: string): SpanRecord => opened(`step:${d.stepId}`, 'step', d.agentId, RUN_SPAN, at);

/** A model call span as its first event opens it. */
function modelSpan(t: TraceState, d: EventData<'ModelCalled' | 'ModelResponded' | 'ModelFailed'>, at: string, extra: Record<string, unknown> = {}): SpanRecord {
  const attributes = { callId: d.callId, stepId: d.stepId, model: d.model, ...extra, ...callLinks(d) };
  return opened(`model:${d.callId}`, 'model', d.model, callParent(t, d), at, attributes);
}

/** A tool call span as its first event opens it. */
function toolSpan(t: TraceState, d: EventData<'ToolCalled' | 'ToolReturned' | 'ToolFailed'>, at: string, extra: Record<string, unknown> = {}): SpanRecord {
  const attributes = { callId: d.callId, stepId: d.stepId, ...extra, ...callLinks(d) };
  return opened(`tool:${d.callId}`, 'tool', d.tool, callParent(t, d), at, attributes);
}

/** A child run span as its first event opens it. */
const childSpan = (d: { childRunId: string; branch: string }, at: string): SpanRecord =>
  opened(`child:${d.childRunId}`, 'child', d.branch, RUN_SPAN, at, { childRunId: d.childRunId, branch: d.branch });

/** An SDK span recorded by the `@openai/agents` tracing processor, under the step running then. */
function sdkSpan(t: TraceState, e: EventOf<'SpanRecorded'>): SpanRecord {
  const d = e.data;
  const data = d.data as { error?: unknown; input?: unknown; output?: unknown; model?: unknown } | null;
  const usage = sdkUsage(data);
  const attributes: Record<string, unknown> = { spanId: d.spanId, spanType: d.spanType, parentId: d.parentId };
  if (data && typeof data === 'object') {
    if (data.error !== undefined) attributes.error = data.error;
    if (data.model !== undefined) attributes.model = data.model;
    if (data.input !== undefined) attributes.input = previewValue(data.input, SDK_PREVIEW);
    if (data.output !== undefined) attributes.output = previewValue(data.output, SDK_PREVIEW);
  }
  const at = e.metadata.recordedAt;
  const span: SpanRecord = {
    id: `sdk:${d.spanId}`,
    kind: 'sdk',
    name: d.name,
    parent: t.openStep ?? t.lastStep ?? RUN_SPAN,
    startedAt: d.startedAt ?? at,
    endedAt: d.endedAt ?? at,
    status: attributes.error === undefined ? 'ok' : 'error',
    attributes,
  };
  if (d.parentId) span.sdkParent = `sdk:${d.parentId}`;
  if (usage) span.usage = usage;
  return span;
}

/** The approval span of a request: from the request to the decision, what was asked (a tool call and its arguments, or a step's content). */
function approvalSpan(t: TraceState, e: EventOf<'ApprovalRequested'>): SpanRecord {
  const d = e.data;
  const attributes: Record<string, unknown> = { approvalId: d.approvalId, approvalKind: d.kind, stepId: d.stepId, prompt: d.prompt, content: previewValue(d.content) };
  if (d.tool !== undefined) attributes.tool = d.tool;
  if (d.arguments !== undefined) attributes.arguments = previewValue(d.arguments);
  if (d.timeout !== undefined) attributes.timeout = d.timeout;
  return opened(`approval:${d.approvalId}`, 'approval', d.name, stepOf(t, d.stepId), e.metadata.recordedAt, attributes);
}

/** A decided approval ends its span; a rejection is a decision, not an error of the span: the span is ok either way. */
function decideApproval(t: TraceState, e: EventOf<'ApprovalDecided'>): TraceState {
  const d = e.data;
  const at = e.metadata.recordedAt;
  const attributes: Record<string, unknown> = { decision: d.decision, by: d.by, decidedAt: at };
  if (d.comment !== undefined) attributes.comment = d.comment;
  if (d.output !== undefined) attributes.editedOutput = previewValue(d.output);
  if (d.timedOut) attributes.timedOut = true;
  const i = find(t.spans, `approval:${d.approvalId}`);
  if (i < 0 || t.spans[i]!.attributes.decision !== undefined) return t;
  return patch(t, `approval:${d.approvalId}`, { status: 'ok', endedAt: at }, attributes) ?? t;
}

/** The event a step's failed attempt leaves in it when the step will be retried. */
const retryEvent = (d: EventData<'StepFailed'>, at: string): SpanEvent => ({ name: 'retry', at, attributes: { attempt: d.attempt, retryInMs: d.retryInMs ?? 0 } });

/** A failed attempt of a step: the step ends unless it will be retried, in which case it records the retry. */
function failStep(t: TraceState, e: EventOf<'StepFailed'>): TraceState {
  const d = e.data;
  const at = e.metadata.recordedAt;
  const id = `step:${d.stepId}`;
  const attrs = { stepId: d.stepId, agentId: d.agentId, attempts: d.attempt, error: d.error, willRetry: d.willRetry };
  const next = upsert(t, stepSpan(d, at), d.willRetry ? {} : { status: 'error', endedAt: at }, attrs);
  const retried = d.willRetry ? (mapSpan(next, id, (span) => withEvent(span, retryEvent(d, at))) ?? next) : next;
  return { ...retried, openStep: t.openStep === id ? undefined : t.openStep };
}

/**
 * The trace projection: one handler per event type that opens, ends or annotates a span. Every
 * handler returns a new state and leaves the one it was given as it was.
 * @example
 * ```ts
 * let trace = initialTrace(runStarted);
 * for (const e of rest) trace = project(traceProjection, trace, e);
 * ```
 */
export const traceProjection = defineProjection<TraceState>()({
  name: 'trace',
  reads: [
    'TaskSent',
    'StepCompleted',
    'StepFailed',
    'ModelCalled',
    'ModelResponded',
    'ModelFailed',
    'ToolCalled',
    'ToolReturned',
    'ToolFailed',
    'ApprovalRequested',
    'ApprovalDecided',
    'HandoffRequested',
    'BranchTaken',
    'ChildRunStarted',
    'ChildRunFinished',
    'SpanRecorded',
    'RunResumed',
    'RunCompleted',
    'RunFailed',
    'RunCancelled',
  ],
  every: (t, e) => ({ ...t, lastPosition: e.streamPosition }),
  on: {
    TaskSent: (t, e) => {
      const d = e.data;
      const id = `step:${d.stepId}`;
      const attrs = { stepId: d.stepId, agentId: d.agentId, actorId: e.metadata.actorId, attempts: d.attempt };
      return { ...upsert(t, stepSpan(d, e.metadata.recordedAt), { status: 'running', endedAt: undefined }, attrs), openStep: id, lastStep: id };
    },
    StepCompleted: (t, e) => {
      const d = e.data;
      const at = e.metadata.recordedAt;
      const id = `step:${d.stepId}`;
      const attrs = { stepId: d.stepId, agentId: d.agentId, attempts: d.attempt, output: previewValue(d.output), error: undefined };
      const next = upsert(t, stepSpan(d, at), { status: 'ok', endedAt: at, usage: d.usage }, attrs);
      const run = next.run.endedAt === undefined ? { ...next.run, usage: addUsage(next.run.usage ?? zeroUsage(), d.usage) } : next.run;
      return { ...next, run, openStep: t.openStep === id ? undefined : t.openStep };
    },
    StepFailed: failStep,
    ModelCalled: (t, e) => add(t, modelSpan(t, e.data, e.metadata.recordedAt, { requestDigest: e.data.requestDigest })),
    ModelResponded: (t, e) => {
      const at = e.metadata.recordedAt;
      return upsert(t, modelSpan(t, e.data, at), { status: 'ok', endedAt: at, usage: e.data.response.usage }, { responseId: e.data.response.responseId });
    },
    ModelFailed: (t, e) => {
      const at = e.metadata.recordedAt;
      return upsert(t, modelSpan(t, e.data, at), { status: 'error', endedAt: at }, { error: e.data.error, retryable: e.data.retryable });
    },
    ToolCalled: (t, e) => add(t, toolSpan(t, e.data, e.metadata.recordedAt, { arguments: previewValue(e.data.arguments) })),
    ToolReturned: (t, e) => {
      const at = e.metadata.recordedAt;
      return upsert(t, toolSpan(t, e.data, at), { status: 'ok', endedAt: at }, { output: previewValue(e.data.output) });
    },
    ToolFailed: (t, e) => {
      const at = e.metadata.recordedAt;
      return upsert(t, toolSpan(t, e.data, at), { status: 'error', endedAt: at }, { error: e.data.error });
    },
    ApprovalRequested: (t, e) => (find(t.spans, `approval:${e.data.approvalId}`) < 0 ? add(t, approvalSpan(t, e)) : t),
    ApprovalDecided: decideApproval,
    HandoffRequested: (t, e) => {
      const d = e.data;
      const at = e.metadata.recordedAt;
      const attributes = { stepId: d.stepId, from: d.from, to: d.to };
      return add(t, { id: `handoff:${e.streamPosition}`, kind: 'handoff', name: `${d.from} → ${d.to}`, parent: stepOf(t, d.stepId), startedAt: at, endedAt: at, status: 'ok', attributes });
    },
    BranchTaken: (t, e) => {
      const d = e.data;
      const at = e.metadata.recordedAt;
      const attributes = { stepId: d.stepId, branch: d.branch, reason: d.reason };
      return add(t, { id: `branch:${e.streamPosition}`, kind: 'branch', name: d.branch, parent: stepOf(t, d.stepId), startedAt: at, endedAt: at, status: 'ok', attributes });
    },
    ChildRunStarted: (t, e) => add(t, childSpan(e.data, e.metadata.recordedAt)),
    ChildRunFinished: (t, e) => {
      const d = e.data;
      const at = e.metadata.recordedAt;
      const ok = d.status === 'completed' || d.status === 'partial';
      return upsert(t, childSpan(d, at), { status: ok ? 'ok' : 'error', endedAt: at }, { childStatus: d.status, error: d.error });
    },
    SpanRecorded: (t, e) => add(t, sdkSpan(t, e)),
    RunResumed: (t, e) => ({ ...t, run: withEvent(t.run, { name: 'resumed', at: e.metadata.recordedAt, attributes: { reason: e.data.reason } }) }),
    RunCompleted: (t, e) => endRun(t, e.metadata.recordedAt, 'ok', e.data.usage, { partial: e.data.partial, output: previewValue(e.data.output) }),
    RunFailed: (t, e) => {
      const at = e.metadata.recordedAt;
      return endOpenSpans(endRun(t, at, 'error', e.data.usage, { error: e.data.error }), at, 'RunFailed');
    },
    RunCancelled: (t, e) => {
      const at = e.metadata.recordedAt;
      return endOpenSpans(endRun(t, at, 'error', e.data.usage, { cancelled: e.data.reason }), at, 'RunCancelled');
    },
  },
});

/**
 * Apply one event of the run's stream to its trace ({@link traceProjection}; returns a new object).
 * @example
 * ```ts
 * const view = traceView(applyTrace(state, event));
 * ```
 */
export function applyTrace(t: TraceState, event: AigenEvent): TraceState {
  return project(traceProjection, t, event);
}
