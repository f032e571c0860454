import { Usage, type Model, type ModelRequest, type ModelResponse } from '@openai/agents';
import { AigenError } from '../errors.js';

/** What a streamed call reports as it goes: output text, or a tool call's arguments. */
export interface StreamedPiece {
  text: string;
  toolCall?: { id: string; name?: string };
}

/** A model's stream ended without its final response. */
export class IncompleteStreamError extends AigenError {
  readonly code = 'MODEL_STREAM_INCOMPLETE';
  readonly kind = 'system' as const;
  readonly retryable = true;
  constructor() {
    super('the model stream ended before its final response (response_done)');
  }
}

type Raw = Record<string, unknown>;

/**
 * Tool-call argument deltas in a provider's raw stream events: Responses
 * `response.function_call_arguments.delta`, or Chat Completions `choices[0].delta.tool_calls`.
 */
class ToolCallTracker {
  /** Responses: item id → call; Chat Completions: tool call index → call. */
  private readonly calls = new Map<string, { id: string; name?: string }>();

  pieces(raw: unknown): StreamedPiece[] {
    if (typeof raw !== 'object' || raw === null) return [];
    const e = raw as Raw;
    if (e.type === 'response.output_item.added') {
      const item = e.item as Raw | undefined;
      if (item?.type === 'function_call' && typeof item.id === 'string') {
        this.calls.set(item.id, { id: typeof item.call_id === 'string' ? item.call_id : item.id, ...(typeof item.name === 'string' ? { name: item.name } : {}) });
      }
      return [];
    }
    if (e.type === 'response.function_call_arguments.delta' && typeof e.delta === 'string' && typeof e.item_id === 'string') {
      return [{ text: e.delta, toolCall: this.calls.get(e.item_id) ?? { id: e.item_id } }];
    }
    const choices = Array.isArray(e.choices) ? (e.choices as Raw[]) : [];
    const delta = choices.find((c) => c.index === 0)?.delta as Raw | undefined;
    const toolCalls = Array.isArray(delta?.tool_calls) ? (delta.tool_calls as Raw[]) : [];
    const out: StreamedPiece[] = [];
    for (const tc of toolCalls) {
      const key = `#${typeof tc.index === 'number' ? tc.index : 0}`;
      const fn = tc.function as Raw | undefined;
      if (typeof tc.id === 'string') this.calls.set(key, { id: tc.id, ...(typeof fn?.name === 'string' ? { name: fn.name } : {}) });
      const call = this.calls.get(key);
      if (call && typeof fn?.arguments === 'string' && fn.arguments !== '') out.push({ text: fn.arguments, toolCall: call });
    }
    return out;
  }
}

/**
 * Call a model through its streaming path and assemble the complete response: each text delta
 * and tool-call argument delta goes to `onPiece` as it arrives (synchronously, never awaited),
 * and the result is the same `ModelResponse` the non-streaming path gives.
 */
export async function streamedResponse(model: Model, request: ModelRequest, onPiece: (piece: StreamedPiece) => void): Promise<ModelResponse> {
  const tools = new ToolCallTracker();
  for await (const event of model.getStreamedResponse(request)) {
    if (event.type === 'output_text_delta') {
      if (event.delta !== '') onPiece({ text: event.delta });
    } else if (event.type === 'model') {
      for (const piece of tools.pieces(event.event)) onPiece(piece);
    } else if (event.type === 'response_done') {
      const r = event.response;
      return { usage: new Usage(r.usage), output: r.output, ...(r.id ? { responseId: r.id } : {}) };
    }
  }
  throw new IncompleteStreamError();
}
