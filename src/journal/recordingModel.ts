import { createHash } from 'node:crypto';
import type { Model, ModelRequest, ModelResponse, StreamEvent } from '@openai/agents';
import { assertFitsInEvent } from '../events/codec.js';
import type { Usage } from '../events/common.js';
import type { Recorder } from './recorder.js';
import type { AnswerSource } from './answers.js';
import { RecordedError } from './answers.js';
import { isRetryable, toErrorInfo } from './errorInfo.js';
import type { DeltaBus } from './deltas.js';
import { streamedResponse } from './streamedResponse.js';

/** Where a model call belongs: the step and attempt of one agent actor. */
export interface ModelCallScope {
  recorder: Recorder;
  stepId: string;
  attempt: number;
  actorId: string;
  modelName: string;
  /** Recorded answers (replay, resume, fork): used instead of calling the model. */
  answers?: AnswerSource;
  /**
   * Where live output goes: when set, live calls use the model's streaming path and publish its
   * deltas on `bus` as they arrive (never recorded); the call's live text is dropped once its
   * response (or failure) is durable.
   */
  live?: { bus: DeltaBus; runId: string; agentId: string };
  /**
   * Set for the model calls of a run nested inside a tool call (an agent used as a tool): their
   * events carry the tool call's id as `parentCallId`, `callId` gives each call its id, and
   * `observe` sees each request before it is recorded and each recorded response.
   */
  nested?: {
    parentCallId: string;
    callId: () => string;
    observe?: { request(request: ModelRequest): void; response(response: ModelResponse): void; failed(error: unknown): void };
  };
}

/** JSON-safe copy (drops undefined, functions) so recorded payloads validate. */
export function toJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value ?? null)) as T;
}

/** Stable digest of what was asked, so replays can tell a changed prompt from the same one. */
export function requestDigest(request: ModelRequest): string {
  const material = {
    systemInstructions: request.systemInstructions ?? null,
    input: request.input,
    tools: request.tools.map((t) => t.name),
    handoffs: request.handoffs.map((h) => h.toolName),
    outputType: request.outputType,
  };
  return createHash('sha256').update(JSON.stringify(material)).digest('hex').slice(0, 32);
}

/** Token usage of a model response in the catalogue's shape. */
export function usageOf(usage: ModelResponse['usage'] | undefined): Usage {
  return {
    requests: usage?.requests ?? 1,
    inputTokens: usage?.inputTokens ?? 0,
    outputTokens: usage?.outputTokens ?? 0,
    totalTokens: usage?.totalTokens ?? 0,
  };
}

/**
 * Wraps the model of one agent step: ModelCalled is durable before the request, and the
 * response is durable as ModelResponded (or ModelFailed) before the SDK runner sees it
 * (write-ahead). Nothing of the request's transport (keys, headers) is recorded.
 */
export class RecordingModel implements Model {
  private calls = 0;

  constructor(
    private readonly inner: Model,
    private readonly scope: ModelCallScope,
  ) {}

  async getResponse(request: ModelRequest): Promise<ModelResponse> {
    const { stepId, attempt } = this.scope;
    this.calls += 1;
    const callId = this.scope.nested?.callId() ?? `${stepId}.${attempt}.${this.calls}`;
    try {
      return await this.call(callId, request);
    } finally {
      const live = this.scope.live;
      live?.bus.end(live.runId, callId);
    }
  }

  private async call(callId: string, request: ModelRequest): Promise<ModelResponse> {
    const { recorder, stepId, actorId, modelName, nested } = this.scope;
    const parent = nested ? { parentCallId: nested.parentCallId } : {};
    nested?.observe?.request(request);
    recorder.record('ModelCalled', { stepId, callId, model: modelName, requestDigest: requestDigest(request), ...parent }, { actorId });
    // A replay that already diverged must not reach a live model.
    if (recorder.error) throw recorder.error;
    let response: ModelResponse;
    try {
      response = await this.answer(callId, request);
    } catch (err) {
      // An aborted call (run cancelled, step timed out) is not a model failure; the step records why.
      if (request.signal?.aborted) throw err;
      await recorder.durable(
        'ModelFailed',
        { stepId, callId, model: modelName, error: toErrorInfo(err), retryable: isRetryable(err), ...parent },
        { actorId },
      );
      nested?.observe?.failed(err);
      throw err;
    }
    const responded = {
      stepId,
      callId,
      model: modelName,
      response: {
        output: toJson(response.output),
        usage: usageOf(response.usage),
        ...(response.responseId ? { responseId: response.responseId } : {}),
      },
      ...parent,
    };
    try {
      assertFitsInEvent('ModelResponded', responded);
    } catch (err) {
      // Too large to record: the call fails for good, recorded, so a resume answers it from the log.
      await recorder.durable('ModelFailed', { stepId, callId, model: modelName, error: toErrorInfo(err), retryable: false, ...parent }, { actorId });
      nested?.observe?.failed(err);
      throw err;
    }
    await recorder.durable('ModelResponded', responded, { actorId });
    nested?.observe?.response(response);
    return response;
  }

  /** The recorded answer to this call when there is one, else the live model's. */
  private answer(callId: string, request: ModelRequest): Promise<ModelResponse> {
    const { answers, stepId, attempt } = this.scope;
    const recorded = answers?.model(callId);
    if (recorded) return recorded.ok ? Promise.resolve(recorded.value) : Promise.reject(recorded.error);
    // Called but never answered, and the attempt failed anyway (timeout, cancel): fail the same way.
    const failed = answers?.stepFailure(stepId, attempt);
    if (failed) return Promise.reject(new RecordedError(failed.error));
    return this.live(callId, request);
  }

  /**
   * ModelCalled is durable before the request leaves: a process that lost the run to another
   * writer (its append fails) never calls, and a crash mid-call leaves the call on record.
   */
  private async live(callId: string, request: ModelRequest): Promise<ModelResponse> {
    await this.scope.recorder.beforeLiveCall(`model call ${callId}`);
    const { live, stepId } = this.scope;
    if (!live) return this.inner.getResponse(request);
    const { bus, runId, agentId } = live;
    bus.begin(runId, callId);
    const offsets = new Map<string, number>();
    return streamedResponse(this.inner, request, ({ text, toolCall }) => {
      const channel = toolCall?.id ?? '';
      const index = offsets.get(channel) ?? 0;
      offsets.set(channel, index + text.length);
      bus.publish({ runId, stepId, callId, agentId, text, index, ...(toolCall ? { toolCall } : {}) });
    });
  }

  /** Streaming is served from the recorded, complete response so recording stays write-ahead. */
  async *getStreamedResponse(request: ModelRequest): AsyncIterable<StreamEvent> {
    const response = await this.getResponse(request);
    yield {
      type: 'response_done',
      response: {
        id: response.responseId ?? 'offline',
        usage: {
          requests: response.usage.requests,
          inputTokens: response.usage.inputTokens,
          outputTokens: response.usage.outputTokens,
          totalTokens: response.usage.totalTokens,
        },
        output: response.output,
      },
    } as StreamEvent;
  }
}
