import { setTimeout as sleep } from 'node:timers/promises';
import { Usage } from '@openai/agents';
import type {
  AssistantMessageItem, FunctionCallItem, Model, ModelProvider, ModelRequest, ModelResponse,
  ModelRetryAdvice, ModelRetryAdviceRequest, StreamEvent,
} from '@openai/agents';
import { toFunctionToolName } from '@openai/agents/utils';
import { AigenError, NotFoundError } from '../errors.js';
import { UnexpectedModelCallError } from './throwingModel.js';

/** One piece of model output: assistant text or a function call (tools and handoffs alike). */
export type TurnPart =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'tool_call'; readonly name: string; readonly arguments: string; readonly callId?: string };

/** Token counts reported for a turn; missing fields fall back to {@link DEFAULT_TURN_USAGE}. */
export interface TurnUsage { readonly inputTokens?: number; readonly outputTokens?: number }

/**
 * What the model does on one call: respond with parts, fail, or wait then do another turn.
 * The same value drives {@link ScriptedModel} and the HTTP stub in `test/support/openaiStub.ts`.
 */
export type Turn =
  | { readonly kind: 'respond'; readonly parts: readonly TurnPart[]; readonly usage?: TurnUsage }
  | { readonly kind: 'fail'; readonly error: Error; readonly retryable: boolean }
  | { readonly kind: 'delay'; readonly ms: number; readonly turn: Turn };

/** A respond turn (what `say`, `callTool`, `handoffTo` return; `combine` joins them). */
export type RespondTurn = Extract<Turn, { kind: 'respond' }>;

/** Turns consumed in order, or a function choosing the turn from the request (0-based index). */
export type Script = readonly Turn[] | ((request: ModelRequest, callIndex: number) => Turn);

const adoptName = Symbol('adoptName');

/** Usage reported when a turn does not say: non-zero so usage accounting is visible in tests. */
export const DEFAULT_TURN_USAGE = { inputTokens: 10, outputTokens: 5 } as const;

/**
 * The handoff tool name the SDK gives a handoff to `agentName` (its default `transfer_to_…`).
 * @example
 * ```ts
 * handoffToolName('Billing Agent'); // 'transfer_to_Billing_Agent'
 * ```
 */
export function handoffToolName(agentName: string): string {
  return `transfer_to_${toFunctionToolName(agentName)}`;
}

/**
 * The model answers with text (a final output unless combined with a call).
 * @example
 * ```ts
 * new ScriptedModel([say('done', { inputTokens: 3, outputTokens: 1 })]);
 * ```
 */
export function say(text: string, usage?: TurnUsage): RespondTurn {
  return { kind: 'respond', parts: [{ type: 'text', text }], ...(usage ? { usage } : {}) };
}

/**
 * The model calls function tool `name` with `args` (an object is JSON-encoded).
 * Call ids are deterministic (`call_<model>_<n>`) unless `options.callId` pins one.
 * @example
 * ```ts
 * new ScriptedModel([callTool('get_weather', { city: 'Oslo' }), say('It is sunny.')]);
 * ```
 */
export function callTool(name: string, args: Record<string, unknown> | string = {}, options: { callId?: string } = {}): RespondTurn {
  const call: TurnPart = { type: 'tool_call', name, arguments: typeof args === 'string' ? args : JSON.stringify(args) };
  return { kind: 'respond', parts: [options.callId === undefined ? call : { ...call, callId: options.callId }] };
}

/**
 * The model hands off to `agentName` (a call to the SDK's default handoff tool for that agent).
 * @example
 * ```ts
 * const triage = new ScriptedModel([handoffTo('Billing Agent')]);
 * ```
 */
export function handoffTo(agentName: string): RespondTurn {
  return callTool(handoffToolName(agentName), {});
}

/**
 * Several respond turns as one model response (parts concatenated, usages summed).
 * @example
 * ```ts
 * combine(callTool('a', {}), callTool('b', {})); // two parallel tool calls in one response
 * ```
 */
export function combine(...turns: readonly RespondTurn[]): RespondTurn {
  const usages = turns.flatMap((t) => (t.usage ? [t.usage] : []));
  const sum = (k: keyof TurnUsage) => usages.reduce((n, u) => n + (u[k] ?? DEFAULT_TURN_USAGE[k]), 0);
  return {
    kind: 'respond',
    parts: turns.flatMap((t) => t.parts),
    ...(usages.length ? { usage: { inputTokens: sum('inputTokens'), outputTokens: sum('outputTokens') } } : {}),
  };
}

/**
 * Text plus a handoff in the same response.
 * @example
 * ```ts
 * new ScriptedModel([sayAndHandoff('Passing you to billing.', 'Billing Agent')]);
 * ```
 */
export function sayAndHandoff(text: string, agentName: string): RespondTurn {
  return combine(say(text), handoffTo(agentName));
}

/**
 * The error {@link fail} throws when given a message. `retryable` says whether a retry may help.
 * @example
 * ```ts
 * await expect(run(agent, 'hi')).rejects.toMatchObject({ code: 'SCRIPTED_MODEL_FAILURE', retryable: true });
 * ```
 */
export class ScriptedModelError extends AigenError {
  readonly code = 'SCRIPTED_MODEL_FAILURE';
  readonly kind = 'system' as const;
  constructor(message: string, readonly retryable: boolean) {
    super(message);
  }
}

/**
 * The model call throws. A message becomes a {@link ScriptedModelError}; an `Error` is thrown
 * as is. Either way `getRetryAdvice` reports `retryable` to the SDK's retry policy.
 * @example
 * ```ts
 * new ScriptedModel([fail('rate limited', { retryable: true }), say('ok')]);
 * ```
 */
export function fail(error: Error | string, options: { retryable?: boolean } = {}): Turn {
  const retryable = options.retryable ?? false;
  return { kind: 'fail', error: typeof error === 'string' ? new ScriptedModelError(error, retryable) : error, retryable };
}

/**
 * Wait `ms` (abortable through the request's signal), then play `turn`.
 * @example
 * ```ts
 * new ScriptedModel([delay(50, say('slow answer'))]);
 * ```
 */
export function delay(ms: number, turn: Turn): Turn {
  return { kind: 'delay', ms, turn };
}

/**
 * A deterministic SDK `Model` playing a {@link Script}. Records every request (`requests`),
 * counts calls (`calls`); ids are `resp_<name>_<call>`, `msg_…`/`fc_…`/`call_<name>_<n>`.
 * Running past the end of an array script throws {@link UnexpectedModelCallError}.
 * @example
 * ```ts
 * const model = new ScriptedModel([callTool('add', { a: 1, b: 2 }), say('3')]);
 * const result = await run(new Agent({ name: 'calc', model, tools: [add] }), '1+2?');
 * expect(result.finalOutput).toBe('3');
 * expect(model.calls).toBe(2);
 * ```
 */
export class ScriptedModel implements Model {
  /** Every request received, in order (input items are cloned at call time). */
  readonly requests: ModelRequest[] = [];
  readonly #script: Script;
  readonly #retryable = new WeakMap<object, boolean>();
  #name: string | undefined;
  #nextId = 0;

  constructor(script: Script, options: { name?: string } = {}) {
    this.#script = script;
    this.#name = options.name;
  }

  /** Label in generated ids and errors: `options.name`, else its `scriptedProvider` key, else 'scripted'. */
  get name(): string {
    return this.#name ?? 'scripted';
  }

  /** Used by {@link scriptedProvider} so two unnamed models never mint the same ids. */
  [adoptName](name: string): void {
    this.#name ??= name;
  }

  /** Number of calls received so far. */
  get calls(): number {
    return this.requests.length;
  }

  /** Turns of an array script not yet played (always 0 for a function script). */
  get remaining(): number {
    return typeof this.#script === 'function' ? 0 : Math.max(0, this.#script.length - this.calls);
  }

  getResponse(request: ModelRequest): Promise<ModelResponse> {
    return this.#call(request);
  }

  async *getStreamedResponse(request: ModelRequest): AsyncIterable<StreamEvent> {
    const { output, usage, responseId } = await this.#call(request);
    yield { type: 'response_started' };
    for (const item of output) {
      if (item.type === 'function_call') continue;
      for (const c of item.content) if (c.type === 'output_text') yield { type: 'output_text_delta', delta: c.text };
    }
    const { requests, inputTokens, outputTokens, totalTokens } = usage;
    yield { type: 'response_done', response: { id: responseId, usage: { requests, inputTokens, outputTokens, totalTokens }, output } };
  }

  getRetryAdvice({ error }: ModelRetryAdviceRequest): ModelRetryAdvice | undefined {
    const retryable = typeof error === 'object' && error !== null ? this.#retryable.get(error) : undefined;
    return retryable === undefined ? undefined : { suggested: retryable, replaySafety: 'safe' };
  }

  async #call(request: ModelRequest): Promise<Played> {
    const callIndex = this.requests.length;
    this.requests.push({ ...request, input: structuredClone(request.input) });
    const script = this.#script;
    const turn = typeof script === 'function' ? script(request, callIndex) : script[callIndex];
    if (!turn) {
      throw new UnexpectedModelCallError(
        `ScriptedModel '${this.name}' got call #${callIndex + 1} but ${
          typeof script === 'function' ? 'its script returned no turn' : `its script has ${script.length} turn(s)`}`,
        { callIndex },
      );
    }
    return this.#play(turn, request, callIndex);
  }

  async #play(turn: Turn, request: ModelRequest, callIndex: number): Promise<Played> {
    if (turn.kind === 'delay') {
      await sleep(turn.ms, undefined, request.signal ? { signal: request.signal } : {});
      return this.#play(turn.turn, request, callIndex);
    }
    if (turn.kind === 'fail') {
      this.#retryable.set(turn.error, turn.retryable);
      throw turn.error;
    }
    const output = turn.parts.map((part): AssistantMessageItem | FunctionCallItem => {
      const n = ++this.#nextId;
      if (part.type === 'text') {
        return { type: 'message', id: `msg_${this.name}_${n}`, role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: part.text }] };
      }
      const callId = part.callId ?? `call_${this.name}_${n}`;
      return { type: 'function_call', id: `fc_${this.name}_${n}`, callId, name: part.name, arguments: part.arguments, status: 'completed' };
    });
    const inputTokens = turn.usage?.inputTokens ?? DEFAULT_TURN_USAGE.inputTokens;
    const outputTokens = turn.usage?.outputTokens ?? DEFAULT_TURN_USAGE.outputTokens;
    return {
      output,
      usage: new Usage({ requests: 1, inputTokens, outputTokens, totalTokens: inputTokens + outputTokens }),
      responseId: `resp_${this.name}_${callIndex + 1}`,
    };
  }
}

/** A response as the scripted model builds it (narrower than `ModelResponse`, streamable). */
interface Played { output: (AssistantMessageItem | FunctionCallItem)[]; usage: Usage; responseId: string }

/**
 * An SDK `ModelProvider` over named scripted models. The runner asks a provider by *model name*
 * (an agent's `model` string), so name each test agent's model after the agent
 * (`new Agent({ name: 'writer', model: 'writer' })`) and key the map by agent name.
 * Unnamed models adopt their key as id label. Unknown names use `fallback`, else `NotFoundError`.
 * @example
 * ```ts
 * const runner = new Runner({ modelProvider: scriptedProvider({
 *   triage: new ScriptedModel([handoffTo('billing')]),
 *   billing: new ScriptedModel([say('refunded')]),
 * }) });
 * ```
 */
export function scriptedProvider(models: Readonly<Record<string, Model>>, options: { fallback?: Model } = {}): ModelProvider {
  for (const [key, model] of Object.entries(models)) if (model instanceof ScriptedModel) model[adoptName](key);
  return {
    getModel(modelName?: string): Model {
      const model = (modelName !== undefined && Object.hasOwn(models, modelName) ? models[modelName] : undefined) ?? options.fallback;
      if (model) return model;
      throw new NotFoundError('scripted model', modelName ?? '(default)', { hint: `known: ${Object.keys(models).join(', ') || 'none'}` });
    },
  };
}
