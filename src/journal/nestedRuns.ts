import { AsyncLocalStorage } from 'node:async_hooks';
import { OpenAIProvider, setDefaultModelProvider, type Model, type ModelProvider, type ModelRequest, type ModelResponse, type StreamEvent } from '@openai/agents';
import type { Usage } from '../events/common.js';
import { addUsage, zeroUsage } from '../events/usage.js';
import { AigenError } from '../errors.js';
import type { AnswerSource } from './answers.js';
import type { Recorder } from './recorder.js';
import { RecordingModel, toJson, usageOf } from './recordingModel.js';

/** The model `modelName` of a run nested inside tool call `tool`. */
export type NestedModelResolver = (modelName: string, tool: string) => Model | Promise<Model>;

/** The step attempt whose tool calls may run nested agents. */
export interface NestedAttempt {
  recorder: Recorder;
  stepId: string;
  attempt: number;
  actorId: string;
  answers?: AnswerSource;
}

/** What a tool wrapper of one step attempt uses to make the runs inside a tool call part of the step. */
export interface NestedCalls {
  /** Run a tool's invocation so that nested runs inside it are recorded as part of tool call `parentCallId`. */
  within<T>(parentCallId: string, tool: string, invoke: () => Promise<T>): Promise<T>;
  /** Tool call `parentCallId` was answered from the log: its nested runs' recorded usage counts again. */
  answered(parentCallId: string): void;
}

/** One tool call that runs nested agents. */
interface NestedCall {
  attempt: NestedAttempt;
  parentCallId: string;
  tool: string;
  /** Prefix of the ids of its nested model and tool calls. */
  prefix: string;
  calls: number;
  /** The first nested model failure: it fails the tool call, so a run never completes past it. */
  failure?: { error: unknown };
  /** Nested tool calls (by the nested model's call id) whose results the nested model has not seen yet. */
  pending: Map<string, string>;
}

/** A nested model was asked for outside any recorded tool call. */
export class NestedModelOutsideToolError extends AigenError {
  readonly code = 'NESTED_MODEL_OUTSIDE_TOOL';
  readonly kind = 'system' as const;
  constructor(modelName: string | undefined) {
    super(`model '${modelName || '(default)'}' was asked for outside a recorded tool call: it would escape the run's log`);
  }
}

/** The id prefix of the nested calls inside tool call `parentCallId` of a step attempt. */
export function nestedPrefix(stepId: string, attempt: number, parentCallId: string): string {
  return `${stepId}.${attempt}.${parentCallId}`;
}

type ResultItem = { type?: string; callId?: string; output?: unknown };

const BRIDGE = Symbol.for('aigen.nestedRunScope');

/**
 * The scope in which the SDK's *default* model provider defers to a step's nested provider.
 * `run(agent, input)` of `@openai/agents` (its default runner) resolves models through the SDK's
 * process-wide default provider; inside a recorded tool call or guardrail check aigen runs the
 * call in this scope, so such a nested `run()` is recorded and uses the run's models (`--model
 * offline` never leaves the process). Outside any scope it answers as the SDK's own default
 * does (an `OpenAIProvider` with the default client and key). The SDK's default provider is
 * process-wide by nature, so the bridge is installed once per process (kept under a symbol, so
 * that two copies of aigen share it); a program that sets its own default provider afterwards
 * takes nested `run()` calls out of the recording.
 */
export function defaultProviderScope(): AsyncLocalStorage<ModelProvider> {
  const slot = globalThis as { [BRIDGE]?: AsyncLocalStorage<ModelProvider> };
  const installed = slot[BRIDGE];
  if (installed) return installed;
  const scope = new AsyncLocalStorage<ModelProvider>();
  const sdkDefault = new OpenAIProvider();
  setDefaultModelProvider({ getModel: (modelName?: string) => (scope.getStore() ?? sdkDefault).getModel(modelName) });
  slot[BRIDGE] = scope;
  return scope;
}

/**
 * Runs nested inside a tool call (an agent used as a tool, `agent.asTool()`; any SDK run whose
 * runner inherits the step's model provider) are part of the step: the provider resolves their
 * models with the run's resolver and wraps them in {@link RecordingModel}s, so each nested model
 * call is ModelCalled/ModelResponded with `parentCallId` (ids `<stepId>.<attempt>.<parentCallId>.<n>`),
 * answered from the log on re-execution. The nested agent's tool calls and handoffs are recorded
 * from the nested model's traffic: ToolCalled when a response asks for them, ToolReturned when
 * the next request hands their results to the model. The tool call that runs them is found
 * through async context, so parallel tool calls each get their own; a plain `run()` of the SDK
 * inside the call is found the same way (see {@link defaultProviderScope}).
 */
export class NestedRuns {
  private readonly current = new AsyncLocalStorage<NestedCall>();
  private readonly usages = new Map<string, Usage>();
  /** The model provider of the step's runner: nested runners inherit it. */
  readonly provider: ModelProvider;
  /** Where the SDK's default runner (`run()` of `@openai/agents`) finds {@link provider}. */
  private readonly defaults = defaultProviderScope();

  /** `defaultModel` serves nested agents that name no model of their own (the run's model). */
  constructor(
    private readonly resolve: NestedModelResolver,
    private readonly defaultModel: string,
  ) {
    this.provider = { getModel: (modelName?: string) => this.model(modelName) };
  }

  /** The tool-call side of one step attempt. */
  forAttempt(attempt: NestedAttempt): NestedCalls {
    return {
      within: (parentCallId, tool, invoke) => this.within(attempt, parentCallId, tool, invoke),
      answered: (parentCallId) => {
        const usage = attempt.answers?.nestedUsage(nestedPrefix(attempt.stepId, attempt.attempt, parentCallId));
        if (usage) this.addUsage(attempt, usage);
      },
    };
  }

  /** Usage of the nested model calls of a step attempt (live, or recorded for calls answered from the log). */
  usage(stepId: string, attempt: number): Usage {
    return this.usages.get(`${stepId}#${attempt}`) ?? zeroUsage();
  }

  private addUsage(attempt: NestedAttempt, usage: Usage): void {
    const key = `${attempt.stepId}#${attempt.attempt}`;
    this.usages.set(key, addUsage(this.usages.get(key) ?? zeroUsage(), usage));
  }

  private async within<T>(attempt: NestedAttempt, parentCallId: string, tool: string, invoke: () => Promise<T>): Promise<T> {
    const call: NestedCall = {
      attempt, parentCallId, tool, prefix: nestedPrefix(attempt.stepId, attempt.attempt, parentCallId), calls: 0, pending: new Map(),
    };
    const output = await this.current.run(call, () => this.defaults.run(this.provider, invoke));
    // The SDK turns a tool's error into text for the model; a nested model that failed fails the call.
    if (call.failure) throw call.failure.error;
    return output;
  }

  private model(modelName: string | undefined): Model {
    const call = this.current.getStore();
    if (!call) throw new NestedModelOutsideToolError(modelName);
    const name = modelName || this.defaultModel;
    // Resolved when called, so a model that cannot be had (no key) is a recorded ModelFailed.
    let inner: Promise<Model> | undefined;
    const resolved = () => (inner ??= Promise.resolve().then(() => this.resolve(name, call.tool)));
    const lazy: Model = {
      getResponse: async (request) => (await resolved()).getResponse(request),
      getStreamedResponse: (request): AsyncIterable<StreamEvent> => ({
        [Symbol.asyncIterator]: async function* () {
          yield* (await resolved()).getStreamedResponse(request);
        },
      }),
    };
    const { recorder, stepId, attempt, actorId, answers } = call.attempt;
    return new RecordingModel(lazy, {
      recorder, stepId, attempt, actorId, modelName: name, ...(answers ? { answers } : {}),
      nested: {
        parentCallId: call.parentCallId,
        callId: () => `${call.prefix}.${++call.calls}`,
        observe: {
          request: (request) => this.toolResults(call, request),
          response: (response) => this.toolCalls(call, response),
          failed: (error) => void (call.failure ??= { error }),
        },
      },
    });
  }

  /** The nested model asks for tool calls (its agent's tools, handoffs, agents as tools): ToolCalled. */
  private toolCalls(call: NestedCall, response: ModelResponse): void {
    this.addUsage(call.attempt, usageOf(response.usage));
    const { recorder, stepId, actorId } = call.attempt;
    for (const item of response.output) {
      if (item.type !== 'function_call') continue;
      call.pending.set(item.callId, item.name);
      recorder.record(
        'ToolCalled',
        { stepId, callId: `${call.prefix}.${item.callId}`, tool: item.name, arguments: item.arguments, parentCallId: call.parentCallId },
        { actorId },
      );
    }
  }

  /** The next nested request carries the results of earlier tool calls: ToolReturned, before its ModelCalled. */
  private toolResults(call: NestedCall, request: ModelRequest): void {
    if (!Array.isArray(request.input) || call.pending.size === 0) return;
    const { recorder, stepId, actorId } = call.attempt;
    for (const item of request.input as ResultItem[]) {
      if (item.type !== 'function_call_result' || item.callId === undefined) continue;
      const tool = call.pending.get(item.callId);
      if (tool === undefined) continue;
      call.pending.delete(item.callId);
      recorder.record(
        'ToolReturned',
        { stepId, callId: `${call.prefix}.${item.callId}`, tool, output: toJson(item.output ?? null), parentCallId: call.parentCallId },
        { actorId },
      );
    }
  }
}
