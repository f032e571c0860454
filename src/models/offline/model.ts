import type {
  Model, ModelProvider, ModelRequest, ModelResponse, ModelRetryAdvice, ModelRetryAdviceRequest, StreamEvent,
  StreamEventResponseCompleted,
} from '@openai/agents';
import { ValidationError } from '../../errors.js';
import { checkCount, delay, failuresFromEnv, numberFromEnv, throwIfAborted } from './env.js';
import type { Env } from './env.js';
import { OfflineModelError } from './errors.js';
import { respond } from './respond.js';
import { resolveRole, roleFromName } from './roles.js';

/**
 * Options of {@link OfflineModel}; every one is optional.
 *
 * @example
 * ```ts
 * const options: OfflineModelOptions = { role: 'critic', approveAfterRevisions: 2, latencyMs: 100, seed: 42 };
 * ```
 */
export interface OfflineModelOptions {
  /**
   * The agent type the runtime runs (`research`, `writer`, `technical_editor`, …). Custom types
   * map by substring to the nearest built-in role; when absent the role is inferred from the
   * request's system instructions.
   */
  role?: string;
  /** Delay per call in ms (default: `AIGEN_OFFLINE_LATENCY_MS`, else 0); aborts with the request's signal. */
  latencyMs?: number;
  /** Fail the first N calls on this instance with {@link OfflineModelError} (default: from `AIGEN_OFFLINE_FAIL`). */
  failures?: number;
  /** The critic approves once its input holds this many `(revision ` markers (default: `AIGEN_OFFLINE_APPROVE_AFTER`, else 1). */
  approveAfterRevisions?: number;
  /** Varies the deterministic phrasing; the same seed and request always give the same response. */
  seed?: number;
  /** Where the `AIGEN_OFFLINE_*` variables are read from (default `process.env`). */
  env?: Env;
}

/**
 * A deterministic, key-free implementation of the SDK's `Model`: role-appropriate research,
 * articles, edits, summaries, classifications, critiques and handoffs, computed from the request
 * alone (no clock, no randomness), so the same request always gets the same response.
 *
 * @example
 * ```ts
 * import { Agent, run } from '@openai/agents';
 * const agent = new Agent({ name: 'research', instructions: 'Research the topic.', model: new OfflineModel({ role: 'research' }) });
 * const result = await run(agent, 'quantum computing');
 * result.finalOutput; // 'Research findings on quantum computing:\n\n- …'
 * ```
 */
export class OfflineModel implements Model {
  /** The agent type given at construction, if any. */
  readonly role: string | undefined;
  readonly latencyMs: number;
  readonly approveAfterRevisions: number;
  readonly seed: number;
  private readonly env: Env;
  private failures: number | undefined;
  private calls = 0;

  constructor(options: OfflineModelOptions = {}) {
    this.env = options.env ?? process.env;
    this.role = options.role;
    this.latencyMs =
      options.latencyMs !== undefined
        ? checkCount('latencyMs', options.latencyMs, false)
        : numberFromEnv(this.env, 'AIGEN_OFFLINE_LATENCY_MS', 0);
    this.approveAfterRevisions =
      options.approveAfterRevisions !== undefined
        ? checkCount('approveAfterRevisions', options.approveAfterRevisions, true)
        : numberFromEnv(this.env, 'AIGEN_OFFLINE_APPROVE_AFTER', 1, true);
    this.seed = options.seed !== undefined ? checkCount('seed', options.seed, true) : 0;
    if (options.failures !== undefined) this.failures = checkCount('failures', options.failures, true);
    else if (options.role !== undefined) this.failures = failuresFromEnv(options.role, this.env);
  }

  /** How many calls this instance has received (failed ones included). */
  get callCount(): number {
    return this.calls;
  }

  async getResponse(request: ModelRequest): Promise<ModelResponse> {
    await this.begin(request);
    return respond(request, { role: this.role, seed: this.seed, approveAfterRevisions: this.approveAfterRevisions });
  }

  /**
   * Streams the text in word chunks spread evenly over the latency (the whole text arrives
   * `latencyMs` after the call, as with {@link getResponse}), then `response_done`.
   */
  async *getStreamedResponse(request: ModelRequest): AsyncIterable<StreamEvent> {
    await this.begin(request, false);
    const response = respond(request, { role: this.role, seed: this.seed, approveAfterRevisions: this.approveAfterRevisions });
    yield { type: 'response_started' };
    const chunks: { delta: string; itemId?: string }[] = [];
    for (const item of response.output) {
      if (item.type !== 'message' || item.role !== 'assistant') continue;
      for (const part of item.content) {
        if (part.type !== 'output_text') continue;
        for (const delta of part.text.match(/\s*\S+\s*/g) ?? [part.text]) {
          if (delta !== '') chunks.push({ delta, ...(item.id !== undefined ? { itemId: item.id } : {}) });
        }
      }
    }
    const started = performance.now();
    for (const [i, chunk] of chunks.entries()) {
      // Deadlines from the start, so timer granularity does not add up over many chunks.
      await delay(started + (this.latencyMs * (i + 1)) / chunks.length - performance.now(), request.signal);
      throwIfAborted(request.signal);
      yield { type: 'output_text_delta', ...chunk };
    }
    if (chunks.length === 0) await delay(this.latencyMs, request.signal);
    throwIfAborted(request.signal);
    const usage = response.usage;
    yield {
      type: 'response_done',
      response: {
        id: response.responseId ?? 'resp_offline',
        usage: { requests: usage.requests, inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, totalTokens: usage.totalTokens },
        // respond() only produces assistant messages and function calls, which both unions share
        output: response.output as StreamEventResponseCompleted['response']['output'],
      },
    };
  }

  /** Seeded failures are transient and safe to replay. */
  getRetryAdvice({ error }: ModelRetryAdviceRequest): ModelRetryAdvice | undefined {
    if (!(error instanceof OfflineModelError)) return undefined;
    return { suggested: true, replaySafety: 'safe', reason: error.message };
  }

  /**
   * Count the call and fail, after the latency (abortable), if it is one of the first N; a
   * call that succeeds waits the latency here unless it streams (then it spreads the wait).
   */
  private async begin(request: ModelRequest, wait = true): Promise<void> {
    const call = ++this.calls;
    throwIfAborted(request.signal);
    const role = this.role ?? resolveRole(undefined, request.systemInstructions);
    this.failures ??= failuresFromEnv(role, this.env);
    if (wait || call <= this.failures) await delay(this.latencyMs, request.signal);
    if (call <= this.failures) throw new OfflineModelError(role, call, this.failures);
  }
}

/**
 * Whether a model name selects the offline model: `offline` or `offline:<anything>`.
 *
 * @example
 * ```ts
 * isOfflineModelName('offline');        // true
 * isOfflineModelName('offline:writer'); // true
 * isOfflineModelName('gpt-4.1');        // false
 * ```
 */
export function isOfflineModelName(name: string | undefined): boolean {
  return name === 'offline' || (typeof name === 'string' && name.startsWith('offline:'));
}

/**
 * A `ModelProvider` serving {@link OfflineModel}s, for `run(agent, input, { modelProvider })`.
 * An empty name or an offline name gets a new model; `offline:<role>` sets the role when
 * `options.role` is absent and `<role>` names a known role. Other names are a clear error.
 *
 * @example
 * ```ts
 * const provider = offlineModelProvider({ seed: 7 });
 * const model = await provider.getModel('offline:critic');
 * ```
 */
export function offlineModelProvider(options: OfflineModelOptions = {}): ModelProvider {
  return {
    getModel(name?: string): Model {
      if (name !== undefined && name !== '' && !isOfflineModelName(name)) {
        throw new ValidationError(`the offline model provider cannot serve model '${name}'; use 'offline' or 'offline:<role>'`, {
          path: 'model',
        });
      }
      const suffix = name?.startsWith('offline:') ? name.slice('offline:'.length) : '';
      const role = options.role ?? (suffix !== '' && roleFromName(suffix) !== undefined ? suffix : undefined);
      return new OfflineModel({ ...options, ...(role !== undefined ? { role } : {}) });
    },
  };
}
