import { Usage, type ModelResponse } from '@openai/agents';
import type { EventData } from '../events/catalogue.js';
import type { ErrorInfo } from '../events/common.js';
import type { AigenEvent, RecordedEvent } from '../events/envelope.js';
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
 * The non-deterministic facts of a recorded run, looked up by the deterministic ids that
 * re-execution produces again: model answers by callId, tool results by callId, retry delays
 * and step errors by (stepId, attempt), approval decisions, signals and timers by their ids. Facts after stream position `upTo` are not answered,
 * so re-execution goes live there (resume, fork) or reports a divergence (verify).
 */
export class AnswerSource {
  private readonly models = new Map<string, Answer<ModelResponse>>();
  private readonly tools = new Map<string, Answer<unknown>>();
  private readonly stepFailures = new Map<string, EventData<'StepFailed'>>();
  private readonly decisions = new Map<string, EventData<'ApprovalDecided'>>();
  private readonly signals = new Map<string, EventData<'SignalReceived'>>();
  private readonly timers = new Map<string, { dueAt: string; fired: boolean }>();
  /** Guardrail checks by {@link guardrailCheckKey}, in recorded order (a key may repeat). */
  private readonly guardrails = new Map<string, Array<EventData<'GuardrailChecked'>>>();
  private readonly guardrailKeys: Array<{ key: string; data: EventData<'GuardrailChecked'> }> = [];
  private readonly mcpListings = new Map<string, EventData<'McpToolsListed'>['tools']>();
  /** Usage of nested model calls by the id prefix of their tool call (see `nestedPrefix`). */
  private readonly nested = new Map<string, EventData<'ModelResponded'>['response']['usage']>();
  readonly traceId: string | undefined;
  /**
   * The parallel branches' ChildRunStarted / ChildRunFinished in recorded order, as
   * {@link childEventKey}s. Keyed by branch name, not child run id, so that a fork (whose
   * children have other run ids) follows its source's order.
   */
  readonly childEvents: string[] = [];

  constructor(events: readonly RecordedEvent[], upTo = Number.POSITIVE_INFINITY) {
    for (const e of events as readonly AigenEvent[]) {
      if (e.streamPosition > upTo) break;
      switch (e.type) {
        case 'RunStarted':
          (this as { traceId: string | undefined }).traceId = e.data.traceId;
          break;
        case 'ModelResponded': {
          const r = e.data.response;
          this.models.set(e.data.callId, {
            ok: true,
            value: {
              output: r.output as ModelResponse['output'],
              usage: new Usage({ requests: r.usage.requests, inputTokens: r.usage.inputTokens, outputTokens: r.usage.outputTokens, totalTokens: r.usage.totalTokens }),
              ...(r.responseId ? { responseId: r.responseId } : {}),
            },
          });
          if (e.data.parentCallId !== undefined) {
            const prefix = e.data.callId.slice(0, e.data.callId.lastIndexOf('.'));
            this.nested.set(prefix, addUsage(this.nested.get(prefix) ?? zeroUsage(), r.usage));
          }
          break;
        }
        case 'ModelFailed':
          this.models.set(e.data.callId, { ok: false, error: new RecordedError(e.data.error) });
          break;
        case 'McpToolsListed':
          this.mcpListings.set(`${e.data.stepId}#${e.data.attempt}#${e.data.server}`, e.data.tools);
          break;
        case 'ToolReturned':
          this.tools.set(e.data.callId, { ok: true, value: e.data.output });
          break;
        case 'ToolFailed':
          this.tools.set(e.data.callId, { ok: false, error: new RecordedError(e.data.error) });
          break;
        case 'GuardrailChecked': {
          const key = guardrailCheckKey(e.data);
          const list = this.guardrails.get(key);
          if (list) list.push(e.data);
          else this.guardrails.set(key, [e.data]);
          this.guardrailKeys.push({ key, data: e.data });
          break;
        }
        case 'ChildRunStarted':
          this.childEvents.push(childEventKey('started', e.data.branch));
          break;
        case 'ChildRunFinished':
          this.childEvents.push(childEventKey('finished', e.data.branch));
          break;
        case 'StepFailed':
          this.stepFailures.set(`${e.data.stepId}#${e.data.attempt}`, e.data);
          break;
        case 'ApprovalDecided':
          this.decisions.set(e.data.approvalId, e.data);
          break;
        case 'SignalReceived':
          this.signals.set(e.data.signalId, e.data);
          break;
        case 'TimerStarted':
          this.timers.set(e.data.timerId, { dueAt: e.data.dueAt, fired: false });
          break;
        case 'TimerFired': {
          const timer = this.timers.get(e.data.timerId);
          if (timer) timer.fired = true;
          break;
        }
        default:
          break;
      }
    }
  }

  model(callId: string): Answer<ModelResponse> | undefined {
    return this.models.get(callId);
  }

  tool(callId: string): Answer<unknown> | undefined {
    return this.tools.get(callId);
  }

  /**
   * The next recorded check of a guardrail (by {@link guardrailCheckKey}): each call takes the
   * next one, so a guardrail listed twice gets its checks in recorded order.
   */
  guardrail(key: string): EventData<'GuardrailChecked'> | undefined {
    return this.guardrails.get(key)?.shift();
  }

  /** The keys of one step attempt's recorded checks of one kind, in log order. */
  guardrailOrder(stepId: string, attempt: number, kind: EventData<'GuardrailChecked'>['kind']): string[] {
    return this.guardrailKeys.filter(({ data: d }) => d.stepId === stepId && d.attempt === attempt && d.kind === kind).map((k) => k.key);
  }

  /** The recorded tool list an MCP server offered to a step attempt. */
  mcpTools(stepId: string, attempt: number, server: string): EventData<'McpToolsListed'>['tools'] | undefined {
    return this.mcpListings.get(`${stepId}#${attempt}#${server}`);
  }

  /** Summed usage of the recorded nested model calls whose ids start with `prefix.` (one tool call's nested runs). */
  nestedUsage(prefix: string): EventData<'ModelResponded'>['response']['usage'] | undefined {
    return this.nested.get(prefix);
  }

  /** The recorded decision of an approval. */
  decision(approvalId: string): EventData<'ApprovalDecided'> | undefined {
    return this.decisions.get(approvalId);
  }

  /** The recorded arrival of a signal. */
  signal(signalId: string): EventData<'SignalReceived'> | undefined {
    return this.signals.get(signalId);
  }

  /** A recorded timer: its due time, and whether it fired. */
  timer(timerId: string): { dueAt: string; fired: boolean } | undefined {
    return this.timers.get(timerId);
  }

  /** The recorded failure of a step attempt (its error and retry delay), if it failed. */
  stepFailure(stepId: string, attempt: number): EventData<'StepFailed'> | undefined {
    return this.stepFailures.get(`${stepId}#${attempt}`);
  }
}
