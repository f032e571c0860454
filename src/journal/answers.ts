import { Usage, type ModelResponse } from '@openai/agents';
import type { EventData } from '../events/catalogue.js';
import type { ErrorInfo } from '../events/common.js';
import type { AigenEvent, RecordedEvent } from '../events/envelope.js';
import { defineProjection, project } from '../events/projection.js';
import { addUsage, zeroUsage } from '../events/usage.js';

/** A recorded failure, rethrown during re-execution with the same code, name and message. */
export class RecordedError extends Error {
  readonly code: string;
  constructor(info: ErrorInfo) {
    super(info.message);
    this.code = info.code;
    this.name = info.name ?? 'Error';
  }
}

/** The key of a branch's ChildRunStarted / ChildRunFinished in {@link AnswerSource.childEvents}. */
export function childEventKey(kind: 'started' | 'finished', branch: string): string {
  return `${kind}:${branch}`;
}

/**
 * The key of a guardrail check in {@link AnswerSource.guardrail}: the step attempt, the kind, the
 * guardrail's name and, for a tool guardrail, the tool call.
 */
export function guardrailCheckKey(c: { stepId: string; attempt: number; kind: string; guardrail: string; callId?: string | undefined }): string {
  return `${c.stepId}#${c.attempt}\u0000${c.kind}\u0000${c.guardrail}\u0000${c.callId ?? ''}`;
}

/** A recorded answer to a model call or tool call. */
export type Answer<T> = { ok: true; value: T } | { ok: false; error: RecordedError };

/**
 * The tables of a recorded run's answers that {@link recordedAnswers} fills, keyed by the ids
 * re-execution asks with.
 */
export interface AnswerTables {
  traceId: string | undefined;
  models: Map<string, Answer<ModelResponse>>;
  tools: Map<string, Answer<unknown>>;
  stepFailures: Map<string, EventData<'StepFailed'>>;
  decisions: Map<string, EventData<'ApprovalDecided'>>;
  signals: Map<string, EventData<'SignalReceived'>>;
  timers: Map<string, { dueAt: string; fired: boolean }>;
  /** Guardrail checks by {@link guardrailCheckKey}, in recorded order (a key may repeat). */
  guardrails: Map<string, Array<EventData<'GuardrailChecked'>>>;
  guardrailKeys: Array<{ key: string; data: EventData<'GuardrailChecked'> }>;
  mcpListings: Map<string, EventData<'McpToolsListed'>['tools']>;
  /** Usage of nested model calls by the id prefix of their tool call (see `nestedPrefix`). */
  nested: Map<string, EventData<'ModelResponded'>['response']['usage']>;
  /** The branches' ChildRunStarted / ChildRunFinished in recorded order, as {@link childEventKey}s. */
  childEvents: string[];
}

/**
 * Empty answer tables, for {@link recordedAnswers} to fill.
 * @example
 * ```ts
 * let tables = emptyAnswerTables();
 * for (const e of log) tables = project(recordedAnswers, tables, e);
 * ```
 */
export function emptyAnswerTables(): AnswerTables {
  return {
    traceId: undefined,
    models: new Map(),
    tools: new Map(),
    stepFailures: new Map(),
    decisions: new Map(),
    signals: new Map(),
    timers: new Map(),
    guardrails: new Map(),
    guardrailKeys: [],
    mcpListings: new Map(),
    nested: new Map(),
    childEvents: [],
  };
}

/** A handler that adds an event's answer to the tables and returns them. */
function fill<E>(add: (t: AnswerTables, e: E) => unknown): (t: AnswerTables, e: E) => AnswerTables {
  return (t, e) => {
    add(t, e);
    return t;
  };
}

/**
 * The recorded answers of a run's log, as a declared projection. Its handlers add to the tables
 * they are given and return them (they do not copy): the tables belong to the one fold that
 * builds an {@link AnswerSource} from {@link emptyAnswerTables}, and a log of n model and tool
 * calls is then read in O(n), where copying the tables at each event would take O(n²).
 * @example
 * ```ts
 * const tables = log.reduce((t, e) => project(recordedAnswers, t, e), emptyAnswerTables());
 * tables.models.get(callId);
 * ```
 */
export const recordedAnswers = defineProjection<AnswerTables>()({
  name: 'recorded answers',
  reads: [
    'RunStarted', 'ModelResponded', 'ModelFailed', 'McpToolsListed', 'ToolReturned', 'ToolFailed', 'GuardrailChecked', 'ChildRunStarted',
    'ChildRunFinished', 'StepFailed', 'ApprovalDecided', 'SignalReceived', 'TimerStarted', 'TimerFired',
  ],
  on: {
    RunStarted: fill((t, e) => (t.traceId = e.data.traceId)),
    ModelResponded: fill((t, e) => {
      const r = e.data.response;
      t.models.set(e.data.callId, {
        ok: true,
        value: {
          output: r.output as ModelResponse['output'],
          usage: new Usage({ requests: r.usage.requests, inputTokens: r.usage.inputTokens, outputTokens: r.usage.outputTokens, totalTokens: r.usage.totalTokens }),
          ...(r.responseId ? { responseId: r.responseId } : {}),
        },
      });
      if (e.data.parentCallId !== undefined) {
        const prefix = e.data.callId.slice(0, e.data.callId.lastIndexOf('.'));
        t.nested.set(prefix, addUsage(t.nested.get(prefix) ?? zeroUsage(), r.usage));
      }
    }),
    ModelFailed: fill((t, e) => t.models.set(e.data.callId, { ok: false, error: new RecordedError(e.data.error) })),
    McpToolsListed: fill((t, e) => t.mcpListings.set(`${e.data.stepId}#${e.data.attempt}#${e.data.server}`, e.data.tools)),
    ToolReturned: fill((t, e) => t.tools.set(e.data.callId, { ok: true, value: e.data.output })),
    ToolFailed: fill((t, e) => t.tools.set(e.data.callId, { ok: false, error: new RecordedError(e.data.error) })),
    GuardrailChecked: fill((t, e) => {
      const key = guardrailCheckKey(e.data);
      const list = t.guardrails.get(key);
      if (list) list.push(e.data);
      else t.guardrails.set(key, [e.data]);
      t.guardrailKeys.push({ key, data: e.data });
    }),
    ChildRunStarted: fill((t, e) => t.childEvents.push(childEventKey('started', e.data.branch))),
    ChildRunFinished: fill((t, e) => t.childEvents.push(childEventKey('finished', e.data.branch))),
    StepFailed: fill((t, e) => t.stepFailures.set(`${e.data.stepId}#${e.data.attempt}`, e.data)),
    ApprovalDecided: fill((t, e) => t.decisions.set(e.data.approvalId, e.data)),
    SignalReceived: fill((t, e) => t.signals.set(e.data.signalId, e.data)),
    TimerStarted: fill((t, e) => t.timers.set(e.data.timerId, { dueAt: e.data.dueAt, fired: false })),
    TimerFired: fill((t, e) => {
      const timer = t.timers.get(e.data.timerId);
      if (timer) timer.fired = true;
    }),
  },
});

/**
 * The non-deterministic facts of a recorded run, looked up by the deterministic ids that
 * re-execution produces again: model answers by callId, tool results by callId, retry delays
 * and step errors by (stepId, attempt), approval decisions, signals and timers by their ids. Facts after stream position `upTo` are not answered,
 * so re-execution goes live there (resume, fork) or reports a divergence (verify).
 */
export class AnswerSource {
  private readonly t: AnswerTables;
  readonly traceId: string | undefined;
  /**
   * The parallel branches' ChildRunStarted / ChildRunFinished in recorded order, as
   * {@link childEventKey}s. Keyed by branch name, not child run id, so that a fork (whose
   * children have other run ids) follows its source's order.
   */
  readonly childEvents: readonly string[];

  constructor(events: readonly RecordedEvent[], upTo = Number.POSITIVE_INFINITY) {
    let t = emptyAnswerTables();
    for (const e of events) {
      if (e.streamPosition > upTo) break;
      t = project(recordedAnswers, t, e as AigenEvent);
    }
    this.t = t;
    this.traceId = t.traceId;
    this.childEvents = t.childEvents;
  }

  model(callId: string): Answer<ModelResponse> | undefined {
    return this.t.models.get(callId);
  }

  tool(callId: string): Answer<unknown> | undefined {
    return this.t.tools.get(callId);
  }

  /**
   * The next recorded check of a guardrail (by {@link guardrailCheckKey}): each call takes the
   * next one, so a guardrail listed twice gets its checks in recorded order.
   */
  guardrail(key: string): EventData<'GuardrailChecked'> | undefined {
    return this.t.guardrails.get(key)?.shift();
  }

  /** The keys of one step attempt's recorded checks of one kind, in log order. */
  guardrailOrder(stepId: string, attempt: number, kind: EventData<'GuardrailChecked'>['kind']): string[] {
    return this.t.guardrailKeys.filter(({ data: d }) => d.stepId === stepId && d.attempt === attempt && d.kind === kind).map((k) => k.key);
  }

  /** The recorded tool list an MCP server offered to a step attempt. */
  mcpTools(stepId: string, attempt: number, server: string): EventData<'McpToolsListed'>['tools'] | undefined {
    return this.t.mcpListings.get(`${stepId}#${attempt}#${server}`);
  }

  /** Summed usage of the recorded nested model calls whose ids start with `prefix.` (one tool call's nested runs). */
  nestedUsage(prefix: string): EventData<'ModelResponded'>['response']['usage'] | undefined {
    return this.t.nested.get(prefix);
  }

  /** The recorded decision of an approval. */
  decision(approvalId: string): EventData<'ApprovalDecided'> | undefined {
    return this.t.decisions.get(approvalId);
  }

  /** The recorded arrival of a signal. */
  signal(signalId: string): EventData<'SignalReceived'> | undefined {
    return this.t.signals.get(signalId);
  }

  /** A recorded timer: its due time, and whether it fired. */
  timer(timerId: string): { dueAt: string; fired: boolean } | undefined {
    return this.t.timers.get(timerId);
  }

  /** The recorded failure of a step attempt (its error and retry delay), if it failed. */
  stepFailure(stepId: string, attempt: number): EventData<'StepFailed'> | undefined {
    return this.t.stepFailures.get(`${stepId}#${attempt}`);
  }
}
