import type { EventData } from '../events/catalogue.js';
import type { Usage } from '../events/common.js';
import { addUsage, zeroUsage } from '../events/usage.js';
import type { AigenEvent, RecordedEvent } from '../events/envelope.js';
import type { TraceSpan } from './api.js';
import { previewValue, SDK_PREVIEW, sdkUsage } from './preview.js';

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
}

/** The trace projection of one run: the run span and every other span, in the order they were opened. */
export interface TraceState {
  runId: string;
  traceId: string;
  /** The run span. */
  run: SpanRecord;
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

/** Add a span; one with the same id (e.g. a model call re-issued on resume) is replaced in place. */
function add(next: TraceState, span: SpanRecord): void {
  const i = find(next.spans, span.id);
  if (i < 0) next.spans = [...next.spans, span];
  else {
    const spans = next.spans.slice();
    spans[i] = span;
    next.spans = spans;
  }
}

/** Update span `id` with `change` and extra attributes; false when there is no such span. */
function patch(next: TraceState, id: string, change: Partial<SpanRecord>, attributes?: Record<string, unknown>): boolean {
  const i = find(next.spans, id);
  if (i < 0) return false;
  const span = next.spans[i]!;
  const spans = next.spans.slice();
  spans[i] = { ...span, ...change, attributes: attributes ? { ...span.attributes, ...attributes } : span.attributes };
  next.spans = spans;
  return true;
}

/** Add or update span `id`: a start event may be missing when its end arrives (or the reverse). */
function upsert(next: TraceState, fresh: SpanRecord, change: Partial<SpanRecord>, attributes: Record<string, unknown>): void {
  if (!patch(next, fresh.id, change, attributes)) add(next, { ...fresh, ...change, attributes: { ...fresh.attributes, ...attributes } });
}

function endRun(next: TraceState, at: string, status: TraceSpan['status'], usage: Usage, attributes: Record<string, unknown>): void {
  next.run = { ...next.run, status, endedAt: at, usage, attributes: { ...next.run.attributes, ...attributes } };
}

/** A run that failed or was cancelled ends what was still running in it (a step, a model call) when it ends. */
function endOpenSpans(next: TraceState, at: string, endedBy: string): void {
  if (!next.spans.some((span) => span.status === 'running')) return;
  next.spans = next.spans.map((span) => (span.status === 'running' ? { ...span, status: 'error', endedAt: at, attributes: { ...span.attributes, endedBy } } : span));
  next.openStep = undefined;
}

/**
 * Apply one event of the run's stream to its trace (a pure reducer; returns a new object).
 * @example
 * ```ts
 * const view = traceView(applyTrace(state, event));
 * ```
 */
export function applyTrace(t: TraceState, event: AigenEvent): TraceState {
  const at = event.metadata.recordedAt;
  const next: TraceState = { ...t, lastPosition: event.streamPosition };
  switch (event.type) {
    case 'TaskSent': {
      const d = event.data;
      const id = `step:${d.stepId}`;
      const attrs = { stepId: d.stepId, agentId: d.agentId, actorId: event.metadata.actorId, attempts: d.attempt };
      upsert(next, { id, kind: 'step', name: d.agentId, parent: RUN_SPAN, startedAt: at, status: 'running', attributes: {} }, { status: 'running', endedAt: undefined }, attrs);
      next.openStep = id;
      next.lastStep = id;
      break;
    }
    case 'StepCompleted': {
      const d = event.data;
      const id = `step:${d.stepId}`;
      const attrs = { stepId: d.stepId, agentId: d.agentId, attempts: d.attempt, output: previewValue(d.output), error: undefined };
      upsert(next, { id, kind: 'step', name: d.agentId, parent: RUN_SPAN, startedAt: at, status: 'running', attributes: {} }, { status: 'ok', endedAt: at, usage: d.usage }, attrs);
      if (t.openStep === id) next.openStep = undefined;
      if (next.run.endedAt === undefined) next.run = { ...next.run, usage: addUsage(next.run.usage ?? zeroUsage(), d.usage) };
      break;
    }
    case 'StepFailed': {
      const d = event.data;
      const id = `step:${d.stepId}`;
      const attrs = { stepId: d.stepId, agentId: d.agentId, attempts: d.attempt, error: d.error, willRetry: d.willRetry };
      upsert(next, { id, kind: 'step', name: d.agentId, parent: RUN_SPAN, startedAt: at, status: 'running', attributes: {} }, d.willRetry ? {} : { status: 'error', endedAt: at }, attrs);
      if (t.openStep === id) next.openStep = undefined;
      break;
    }
    case 'ModelCalled': {
      const d = event.data;
      add(next, { id: `model:${d.callId}`, kind: 'model', name: d.model, parent: callParent(t, d), startedAt: at, status: 'running', attributes: { callId: d.callId, stepId: d.stepId, model: d.model, requestDigest: d.requestDigest, ...callLinks(d) } });
      break;
    }
    case 'ModelResponded':
    case 'ModelFailed': {
      const d = event.data;
      const fresh: SpanRecord = { id: `model:${d.callId}`, kind: 'model', name: d.model, parent: callParent(t, d), startedAt: at, status: 'running', attributes: { callId: d.callId, stepId: d.stepId, model: d.model, ...callLinks(d) } };
      if (event.type === 'ModelResponded') upsert(next, fresh, { status: 'ok', endedAt: at, usage: event.data.response.usage }, { responseId: event.data.response.responseId });
      else upsert(next, fresh, { status: 'error', endedAt: at }, { error: event.data.error, retryable: event.data.retryable });
      break;
    }
    case 'ToolCalled': {
      const d = event.data;
      add(next, { id: `tool:${d.callId}`, kind: 'tool', name: d.tool, parent: callParent(t, d), startedAt: at, status: 'running', attributes: { callId: d.callId, stepId: d.stepId, arguments: previewValue(d.arguments), ...callLinks(d) } });
      break;
    }
    case 'ToolReturned':
    case 'ToolFailed': {
      const d = event.data;
      const fresh: SpanRecord = { id: `tool:${d.callId}`, kind: 'tool', name: d.tool, parent: callParent(t, d), startedAt: at, status: 'running', attributes: { callId: d.callId, stepId: d.stepId, ...callLinks(d) } };
      if (event.type === 'ToolReturned') upsert(next, fresh, { status: 'ok', endedAt: at }, { output: previewValue(event.data.output) });
      else upsert(next, fresh, { status: 'error', endedAt: at }, { error: event.data.error });
      break;
    }
    case 'ApprovalRequested': {
      // From the request to the decision: what was asked (a tool call and its arguments, or a step's content).
      const d = event.data;
      const attributes: Record<string, unknown> = { approvalId: d.approvalId, approvalKind: d.kind, stepId: d.stepId, prompt: d.prompt, content: previewValue(d.content) };
      if (d.tool !== undefined) attributes.tool = d.tool;
      if (d.arguments !== undefined) attributes.arguments = previewValue(d.arguments);
      if (d.timeout !== undefined) attributes.timeout = d.timeout;
      if (find(next.spans, `approval:${d.approvalId}`) < 0) add(next, { id: `approval:${d.approvalId}`, kind: 'approval', name: d.name, parent: stepOf(t, d.stepId), startedAt: at, status: 'running', attributes });
      break;
    }
    case 'ApprovalDecided': {
      // A rejection is a decision, not an error of the span: the span is ok either way.
      const d = event.data;
      const attributes: Record<string, unknown> = { decision: d.decision, by: d.by, decidedAt: at };
      if (d.comment !== undefined) attributes.comment = d.comment;
      if (d.output !== undefined) attributes.editedOutput = previewValue(d.output);
      if (d.timedOut) attributes.timedOut = true;
      const i = find(next.spans, `approval:${d.approvalId}`);
      if (i >= 0 && next.spans[i]!.attributes.decision === undefined) patch(next, `approval:${d.approvalId}`, { status: 'ok', endedAt: at }, attributes);
      break;
    }
    case 'HandoffRequested': {
      const d = event.data;
      add(next, { id: `handoff:${event.streamPosition}`, kind: 'handoff', name: `${d.from} → ${d.to}`, parent: stepOf(t, d.stepId), startedAt: at, endedAt: at, status: 'ok', attributes: { stepId: d.stepId, from: d.from, to: d.to } });
      break;
    }
    case 'BranchTaken': {
      const d = event.data;
      add(next, { id: `branch:${event.streamPosition}`, kind: 'branch', name: d.branch, parent: stepOf(t, d.stepId), startedAt: at, endedAt: at, status: 'ok', attributes: { stepId: d.stepId, branch: d.branch, reason: d.reason } });
      break;
    }
    case 'ChildRunStarted': {
      const d = event.data;
      add(next, { id: `child:${d.childRunId}`, kind: 'child', name: d.branch, parent: RUN_SPAN, startedAt: at, status: 'running', attributes: { childRunId: d.childRunId, branch: d.branch } });
      break;
    }
    case 'ChildRunFinished': {
      const d = event.data;
      const fresh: SpanRecord = { id: `child:${d.childRunId}`, kind: 'child', name: d.branch, parent: RUN_SPAN, startedAt: at, status: 'running', attributes: { childRunId: d.childRunId, branch: d.branch } };
      const ok = d.status === 'completed' || d.status === 'partial';
      upsert(next, fresh, { status: ok ? 'ok' : 'error', endedAt: at }, { childStatus: d.status, error: d.error });
      break;
    }
    case 'SpanRecorded': {
      const d = event.data;
      const data = d.data as { error?: unknown; input?: unknown; output?: unknown; model?: unknown } | null;
      const usage = sdkUsage(data);
      const attributes: Record<string, unknown> = { spanId: d.spanId, spanType: d.spanType, parentId: d.parentId };
      if (data && typeof data === 'object') {
        if (data.error !== undefined) attributes.error = data.error;
        if (data.model !== undefined) attributes.model = data.model;
        if (data.input !== undefined) attributes.input = previewValue(data.input, SDK_PREVIEW);
        if (data.output !== undefined) attributes.output = previewValue(data.output, SDK_PREVIEW);
      }
      const span: SpanRecord = { id: `sdk:${d.spanId}`, kind: 'sdk', name: d.name, parent: t.openStep ?? t.lastStep ?? RUN_SPAN, startedAt: d.startedAt ?? at, endedAt: d.endedAt ?? at, status: attributes.error === undefined ? 'ok' : 'error', attributes };
      if (d.parentId) span.sdkParent = `sdk:${d.parentId}`;
      if (usage) span.usage = usage;
      add(next, span);
      break;
    }
    case 'RunCompleted':
      endRun(next, at, 'ok', event.data.usage, { partial: event.data.partial, output: previewValue(event.data.output) });
      break;
    case 'RunFailed':
      endRun(next, at, 'error', event.data.usage, { error: event.data.error });
      endOpenSpans(next, at, 'RunFailed');
      break;
    case 'RunCancelled':
      endRun(next, at, 'error', event.data.usage, { cancelled: event.data.reason });
      endOpenSpans(next, at, 'RunCancelled');
      break;
    default:
      break;
  }
  return next;
}
