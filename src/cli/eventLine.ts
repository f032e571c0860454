import { eventIdentity, type AigenEvent, type RecordedEvent } from '../events/envelope.js';
import type { ModelDelta } from '../journal/deltas.js';
import { formatClock, formatState, formatTokens, oneLine, shortId } from './format.js';
import type { Styles } from './output.js';

/** The JSON line of one recorded event (`aigen events --json`, `aigen tail --json`). */
export function eventJson(e: RecordedEvent): Record<string, unknown> {
  return { ...eventIdentity(e), data: e.data, metadata: e.metadata };
}

/** A short human summary of an event's data. */
export function summarize(event: RecordedEvent): string {
  const e = event as AigenEvent;
  switch (e.type) {
    case 'RunStarted':
      return `${e.data.workflow.name} (${e.data.workflow.kind}) model=${e.data.model}${e.data.parentRunId ? ` parent=${shortId(e.data.parentRunId)}` : ''} input="${oneLine(e.data.input, 60)}"`;
    case 'Transitioned':
      return `${e.data.actorId}: ${e.data.from === null ? '∅' : formatState(e.data.from)} → ${formatState(e.data.to)}`;
    case 'TaskSent':
      return `${e.data.stepId} → ${e.data.agentId}${e.data.attempt > 1 ? ` (attempt ${e.data.attempt})` : ''}`;
    case 'ModelCalled':
      return `${e.data.callId} ${e.data.model}${within(e.data)}`;
    case 'ModelResponded':
      return `${e.data.callId} ${e.data.model} ${formatTokens(e.data.response.usage)}${within(e.data)}`;
    case 'ModelFailed':
      return `${e.data.callId} ${e.data.model}: ${oneLine(e.data.error.message, 80)}${e.data.retryable ? ' (retryable)' : ''}${within(e.data)}`;
    case 'ToolCalled':
      return `${e.data.callId} ${toolName(e.data)}(${oneLine(e.data.arguments, 60)})${within(e.data)}`;
    case 'ToolReturned':
      return `${e.data.callId} ${toolName(e.data)} → ${oneLine(JSON.stringify(e.data.output), 60)}${within(e.data)}`;
    case 'ToolFailed':
      return `${e.data.callId} ${toolName(e.data)}: ${oneLine(e.data.error.message, 80)}${within(e.data)}`;
    case 'GuardrailChecked':
      return `${e.data.stepId} ${e.data.kind.replace('_', ' ')} guardrail ${e.data.guardrail}${e.data.callId ? ` (${e.data.tool ?? 'tool'} ${e.data.callId})` : ''}: ${guardrailVerdict(e.data)}`;
    case 'McpToolsListed':
      return `${e.data.stepId} ${e.data.server}: ${e.data.tools.map((t) => t.name).join(', ') || 'no tools'}`;
    case 'HandoffRequested':
      return `${e.data.from} → ${e.data.to}`;
    case 'BranchTaken':
      return `${e.data.branch}: ${oneLine(e.data.reason, 80)}`;
    case 'StepCompleted':
      return `${e.data.stepId} ${formatTokens(e.data.usage)} "${oneLine(typeof e.data.output === 'string' ? e.data.output : JSON.stringify(e.data.output), 50)}"`;
    case 'StepFailed':
      return `${e.data.stepId} attempt ${e.data.attempt}: ${oneLine(e.data.error.message, 70)}${e.data.willRetry ? ` (retry in ${e.data.retryInMs ?? 0}ms)` : ''}`;
    case 'ChildRunStarted':
      return `${e.data.branch} ${shortId(e.data.childRunId)}`;
    case 'ChildRunFinished':
      return `${e.data.branch} ${e.data.status}`;
    case 'BranchParked':
      return `${e.data.branch} waits for ${e.data.waitingFor.map((w) => `${w.kind} ${w.name}`).join(', ')}`;
    case 'BranchAnswered':
      return `${shortId(e.data.runId)} ${e.data.id}`;
    case 'SpanRecorded':
      return `${e.data.spanType} ${e.data.name}`;
    case 'RunCompleted':
      return `${e.data.partial ? 'partial' : 'completed'} ${formatTokens(e.data.usage)} in ${e.data.durationMs}ms`;
    case 'RunFailed':
      return `${oneLine(e.data.error.message, 80)}${e.data.error.code ? ` (${e.data.error.code})` : ''}`;
    case 'RunCancelled':
      return oneLine(e.data.reason, 80);
    default:
      return oneLine(JSON.stringify(event.data), 80);
  }
}

/** What a guardrail decided: passed, tripped, rejected (with its message) or failed. */
function guardrailVerdict(d: { tripwireTriggered: boolean; behavior?: { type: string; message?: string | undefined } | undefined; error?: { message: string } | undefined }): string {
  if (d.error) return `failed: ${oneLine(d.error.message, 60)}`;
  if (d.tripwireTriggered) return 'tripped';
  if (d.behavior?.type === 'rejectContent') return `rejected: ${oneLine(d.behavior.message ?? '', 60)}`;
  return 'passed';
}

/** ` in <parentCallId>` for a call nested inside a tool call (an agent used as a tool). */
function within(d: { parentCallId?: string | undefined }): string {
  return d.parentCallId ? ` in ${d.parentCallId}` : '';
}

/** A tool's name, with its MCP server's when it has one. */
function toolName(d: { tool: string; server?: string | undefined }): string {
  return d.server ? `${d.server}/${d.tool}` : d.tool;
}

function paintType(type: string, style: Styles): string {
  if (type.endsWith('Failed')) return style.red(type);
  if (type === 'RunCompleted' || type === 'StepCompleted') return style.green(type);
  if (type === 'RunCancelled') return style.yellow(type);
  if (type.startsWith('Run')) return style.bold(type);
  if (type === 'SpanRecorded' || type === 'Transitioned') return style.dim(type);
  return style.cyan(type);
}

const TYPE_WIDTH = 16;

/** `  12 14:03:07.120 TaskSent         1-research → research`; with the run id when `withRun`. */
export function eventLine(e: RecordedEvent, style: Styles, withRun = false): string {
  const type = paintType(e.type, style) + ' '.repeat(Math.max(1, TYPE_WIDTH - e.type.length));
  const run = withRun ? `${style.bold(shortId(e.streamId.replace(/^run-/, '')).padEnd(8))} ` : '';
  return `${style.dim(String(e.streamPosition).padStart(4))} ${style.dim(formatClock(e.metadata.recordedAt))} ${run}${type}${summarize(e)}`;
}

/**
 * A live delta among event lines (`aigen events --follow --deltas`): no position (it is not
 * stored), the call, and the text as a JSON string so whitespace stays visible.
 * `       ·            delta            1-research.1.1 +42 "Tides rise "`
 */
export function deltaLine(d: ModelDelta, style: Styles): string {
  const type = 'delta' + ' '.repeat(TYPE_WIDTH - 'delta'.length);
  const where = `${d.callId}${d.toolCall ? ` ${d.toolCall.name ?? d.toolCall.id}()` : ''} ${d.snapshot ? 'snapshot' : `+${d.index}`}`;
  return `${style.dim('   ·')} ${' '.repeat(12)} ${style.dim(type)}${where} ${JSON.stringify(d.text)}`;
}
