import type { Model, ModelProvider, ModelRequest, ModelResponse, StreamEvent } from '@openai/agents';
import { AigenError } from '../errors.js';

/**
 * A model was called when the test said no model call may happen (replay, a fully recorded
 * run, a scripted model whose script ran out). Always a test failure, never a runtime path.
 *
 * @example
 * ```ts
 * await expect(replay(runId, { model: new ThrowingModel() })).resolves.toBeDefined();
 * // a stray call rejects with: UnexpectedModelCallError: unexpected model call #1 ...
 * ```
 */
export class UnexpectedModelCallError extends AigenError {
  readonly code = 'UNEXPECTED_MODEL_CALL';
  readonly kind = 'system' as const;
  /** Zero-based index of the offending call on the model that threw. */
  readonly callIndex: number;
  constructor(message: string, options: { callIndex: number; cause?: unknown }) {
    super(message, options);
    this.callIndex = options.callIndex;
  }
}

/** Options for {@link ThrowingModel}. */
export interface ThrowingModelOptions {
  /** Why no call is expected; goes into the error message. Default: replay must not call models. */
  readonly reason?: string;
}

/**
 * A model that rejects every call with {@link UnexpectedModelCallError}, recording the request
 * first. Use it to prove a code path (typically replay from the event log) makes zero model
 * calls. It is also its own `ModelProvider`, so it can stand in for every agent of a run.
 *
 * @example
 * ```ts
 * const model = new ThrowingModel({ reason: 'replay is served from recorded events' });
 * const runner = new Runner({ modelProvider: model });
 * await replayRun(store, runId, { runner });
 * expect(model.calls).toBe(0);
 * ```
 */
export class ThrowingModel implements Model, ModelProvider {
  /** Every request that reached this model (each one also threw). */
  readonly requests: ModelRequest[] = [];
  readonly #reason: string;

  constructor(options: ThrowingModelOptions = {}) {
    this.#reason = options.reason ?? 'replay must not call a model';
  }

  /** How many calls were attempted (the thing a test usually asserts to be 0). */
  get calls(): number {
    return this.requests.length;
  }

  getResponse(request: ModelRequest): Promise<ModelResponse> {
    return Promise.reject(this.#refuse(request));
  }

  getStreamedResponse(request: ModelRequest): AsyncIterable<StreamEvent> {
    const error = this.#refuse(request);
    return {
      [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(error) }),
    };
  }

  /** Returns itself for any model name, so one instance covers a whole multi-agent run. */
  getModel(_modelName?: string): Model {
    return this;
  }

  #refuse(request: ModelRequest): UnexpectedModelCallError {
    const callIndex = this.requests.length;
    this.requests.push(request);
    return new UnexpectedModelCallError(
      `unexpected model call #${callIndex + 1}: ${this.#reason}`,
      { callIndex },
    );
  }
}
