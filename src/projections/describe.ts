/**
 * What every event type means, and a one-line summary of one event's data: the single table
 * the CLI (`aigen events`, `aigen tail`) and the browser's timeline describe events from.
 *
 * The table is keyed by every type of the catalogue, so adding an event type fails the build
 * here until it has a description and a summary.
 */
import type { EventData, EventType } from '../events/catalogue.js';
import type { AigenEvent, RecordedEvent } from '../events/envelope.js';
import { formatState, formatTokens, oneLine, shortId } from './text.js';

/** How one event type is described: what it means, and a summary of one event's data. */
export interface EventDescription<T extends EventType> {
  /** One line: what this event records. */
  readonly about: string;
  /** What happened in this event, without its whole payload. */
  readonly summary: (data: EventData<T>) => string;
}

export type EventDescriptionTable = { readonly [T in EventType]: EventDescription<T> };

/** ` in <parentCallId>` for a call nested inside a tool call (an agent used as a tool). */
function within(d: { parentCallId?: string | undefined }): string {
  return d.parentCallId ? ` in ${d.parentCallId}` : '';
}

/** A tool's name, with its MCP server's when it has one. */
function toolName(d: { tool: string; server?: string | undefined }): string {
  return d.server ? `${d.server}/${d.tool}` : d.tool;
}

function json(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value) ?? '';
}

/** What a guardrail decided: passed, tripped, rejected (with its message) or failed. */
function guardrailVerdict(d: EventData<'GuardrailChecked'>): string {
  if (d.error) return `failed: ${oneLine(d.error.message, 60)}`;
  if (d.tripwireTriggered) return 'tripped';
  if (d.behavior?.type === 'rejectContent') return `rejected: ${oneLine(d.behavior.message ?? '', 60)}`;
  return 'passed';
}

function owner(o: { host: string; pid: number } | undefined): string {
  return o ? ` by ${o.host}:${o.pid}` : '';
}

/** Every event type: what it records, and how one event of it is summarised. */
export const eventDescriptions: EventDescriptionTable = {
  RunStarted: {
    about: 'A run of a workflow began, with its input, options, model and (for a fork) where it was forked from.',
    summary: (d) =>
      `${d.workflow.name} (${d.workflow.kind}) model=${d.model}${d.parentRunId ? ` parent=${shortId(d.parentRunId)}` : ''}${d.forkOf ? ` fork of ${shortId(d.forkOf.runId)}@${d.forkOf.position}` : ''}${d.queued ? ' queued' : ''} input="${oneLine(d.input, 60)}"`,
  },
  Transitioned: {
    about: 'An actor (the workflow or one of its agents) moved from one statechart state to another.',
    summary: (d) => `${d.actorId}: ${d.from === null ? '∅' : formatState(d.from)} → ${formatState(d.to)}`,
  },
  TaskSent: {
    about: 'The workflow sent a step’s task to an agent actor (a retry is a new attempt).',
    summary: (d) => `${d.stepId} → ${d.agentId}${d.attempt > 1 ? ` (attempt ${d.attempt})` : ''}`,
  },
  ModelCalled: {
    about: 'An agent called its model; the request digest lets replay check it asks the same.',
    summary: (d) => `${d.callId} ${d.model}${within(d)}`,
  },
  ModelResponded: {
    about: 'The model answered a call: its output items and token usage, which replay answers from.',
    summary: (d) => `${d.callId} ${d.model} ${formatTokens(d.response.usage)}${within(d)}`,
  },
  ModelFailed: {
    about: 'A model call failed, and whether the error is worth retrying.',
    summary: (d) => `${d.callId} ${d.model}: ${oneLine(d.error.message, 80)}${d.retryable ? ' (retryable)' : ''}${within(d)}`,
  },
  ToolCalled: {
    about: 'An agent called a tool with these arguments (before the tool runs).',
    summary: (d) => `${d.callId} ${toolName(d)}(${oneLine(d.arguments, 60)})${within(d)}`,
  },
  ToolReturned: {
    about: 'A tool call returned its output, which replay answers from without running the tool.',
    summary: (d) => `${d.callId} ${toolName(d)} → ${oneLine(JSON.stringify(d.output) ?? '', 60)}${within(d)}`,
  },
  ToolFailed: {
    about: 'A tool call threw; the error text goes back to the model unless the tool fails its step.',
    summary: (d) => `${d.callId} ${toolName(d)}: ${oneLine(d.error.message, 80)}${within(d)}`,
  },
  McpToolsListed: {
    about: 'The tools an MCP server offered a step’s agent, so replay builds them without the server.',
    summary: (d) => `${d.stepId} ${d.server}: ${d.tools.map((t) => t.name).join(', ') || 'no tools'}`,
  },
  GuardrailChecked: {
    about: 'A guardrail checked an agent’s input or output, or a tool call, and what it decided.',
    summary: (d) =>
      `${d.stepId} ${d.kind.replace('_', ' ')} guardrail ${d.guardrail}${d.callId ? ` (${d.tool ?? 'tool'} ${d.callId})` : ''}: ${guardrailVerdict(d)}`,
  },
  HandoffRequested: {
    about: 'An agent handed the conversation off to another agent.',
    summary: (d) => `${d.from} → ${d.to}`,
  },
  BranchTaken: {
    about: 'A branching workflow chose a branch, with the reason it gave.',
    summary: (d) => `${d.branch}: ${oneLine(d.reason, 80)}`,
  },
  StepCompleted: {
    about: 'A step’s agent finished with its output and the tokens the step used.',
    summary: (d) => `${d.stepId} ${formatTokens(d.usage)} "${oneLine(json(d.output), 50)}"`,
  },
  StepFailed: {
    about: 'A step’s attempt failed, and whether (and when) it is retried.',
    summary: (d) => `${d.stepId} attempt ${d.attempt}: ${oneLine(d.error.message, 70)}${d.willRetry ? ` (retry in ${d.retryInMs ?? 0}ms)` : ''}`,
  },
  ChildRunStarted: {
    about: 'A parallel branch or child workflow started as a run of its own.',
    summary: (d) => `${d.branch} ${shortId(d.childRunId)}`,
  },
  ChildRunFinished: {
    about: 'A child run ended: completed, partial, failed or cancelled.',
    summary: (d) => `${d.branch} ${d.status}`,
  },
  SpanRecorded: {
    about: 'A tracing span of the SDK (agent, generation, function, handoff…), for the trace and OTel export.',
    summary: (d) => `${d.spanType} ${d.name}`,
  },
  RunResumed: {
    about: 'A process took the run over after a crash or stop and re-executes it from the log.',
    summary: (d) => `from ${d.fromPosition}${owner(d.owner)}: ${oneLine(d.reason, 60)}`,
  },
  RunClaimed: {
    about: 'A worker claimed the run under a lease it renews while it works on the run.',
    summary: (d) => `${d.workerId}${owner(d.owner)} lease ${d.leaseMs}ms from ${d.fromPosition}`,
  },
  RunReleased: {
    about: 'A worker gave the run back (it drains); another worker continues it at once.',
    summary: (d) => `${d.workerId}: ${oneLine(d.reason, 60)}`,
  },
  ApprovalRequested: {
    about: 'The run waits for someone to approve a tool call or a step before it goes on.',
    summary: (d) =>
      `${d.approvalId} ${d.kind === 'tool' ? `tool ${d.name}(${oneLine(d.arguments ?? '', 40)})` : `step ${d.name}`}: ${oneLine(d.prompt, 50)}${d.timeout ? ` (${d.timeout.onTimeout} at ${d.timeout.dueAt})` : ''}`,
  },
  ApprovalDecided: {
    about: 'Someone, or the approval’s timeout, approved or rejected it.',
    summary: (d) =>
      `${d.approvalId} ${d.decision === 'approve' ? 'approved' : 'rejected'} by ${d.by}${d.timedOut ? ' (timed out)' : ''}${d.comment ? `: ${oneLine(d.comment, 60)}` : ''}`,
  },
  SignalAwaited: {
    about: 'The run waits for a named signal, whose payload its schema checks.',
    summary: (d) => `${d.signalId} waits for ${d.name}${d.dueAt ? ` until ${d.dueAt}` : ''}${d.prompt ? `: ${oneLine(d.prompt, 50)}` : ''}`,
  },
  SignalReceived: {
    about: 'A signal the run waited for arrived with its payload.',
    summary: (d) => `${d.signalId} ${d.name} from ${d.by}: ${oneLine(JSON.stringify(d.payload) ?? '', 50)}`,
  },
  TimerStarted: {
    about: 'A durable timer started: a sleep, or the timeout of an approval or signal.',
    summary: (d) => `${d.timerId} ${d.purpose}${d.for ? ` of ${d.for}` : ''} until ${d.dueAt}`,
  },
  TimerFired: {
    about: 'A timer’s due time passed and the run went on.',
    summary: (d) => d.timerId,
  },
  BranchParked: {
    about: 'The run parks because one of its parallel branches waits (approval, signal or timer).',
    summary: (d) => `${d.branch} waits for ${d.waitingFor.map((w) => `${w.kind} ${w.name}`).join(', ')}`,
  },
  BranchAnswered: {
    about: 'A wait of a parallel branch that parked this run was answered in that branch.',
    summary: (d) => `${shortId(d.runId)} ${d.id}`,
  },
  RunCompleted: {
    about: 'The run ended with its output: completed, or partial when a step failed for good.',
    summary: (d) => `${d.partial ? 'partial' : 'completed'} ${formatTokens(d.usage)} in ${d.durationMs}ms`,
  },
  RunFailed: {
    about: 'The run ended in failure, with the reason (and, for a diverged re-execution, where).',
    summary: (d) =>
      `${oneLine(d.error.message, 80)}${d.error.code ? ` (${d.error.code})` : ''}${d.divergence ? ` at position ${d.divergence.position}` : ''}`,
  },
  RunCancelled: {
    about: 'Someone cancelled the run; the reason is recorded.',
    summary: (d) => oneLine(d.reason, 80),
  },
};

/**
 * A one-line summary of an event's data, from {@link eventDescriptions}; an event type the
 * catalogue does not know (from a newer writer) is shown as its data.
 * @example
 * ```ts
 * summarizeEvent(taskSent); // '1-research → research'
 * ```
 */
export function summarizeEvent(event: RecordedEvent): string {
  const e = event as AigenEvent;
  const description = (eventDescriptions as Partial<Record<string, EventDescription<EventType>>>)[e.type];
  if (!description) return oneLine(JSON.stringify(event.data) ?? '', 80);
  return (description.summary as (data: unknown) => string)(e.data);
}

/** What an event type records, or undefined for a type the catalogue does not know. */
export function aboutEventType(type: string): string | undefined {
  return (eventDescriptions as Partial<Record<string, EventDescription<EventType>>>)[type]?.about;
}
