import { Observable } from 'rxjs';
import type { RecordedEvent } from '../events/envelope.js';
import { runIdOfStream } from '../events/streams.js';
import { channelKey, type DeltaBus, type ModelDelta, type PartialOutput } from './deltas.js';

/**
 * What a live reader receives: recorded events and, between a call's ModelCalled and its answer, its deltas.
 * @example
 * ```ts
 * const items: StreamItem[] = [];
 * for await (const item of engine.stream(runId)) items.push(item);
 * ```
 */
export type StreamItem = RecordedEvent | ModelDelta;

/** Options of {@link mergeLive}. */
export interface MergeOptions {
  /** Which runs' deltas to pass (the runs whose events `events$` carries). */
  runs(runId: string): boolean;
  /**
   * Whether a call was already open before the first event of `events$` (its ModelCalled is not
   * coming): its text so far is sent at once, as a `snapshot` delta.
   */
  openBefore(runId: string, callId: string): boolean;
}

interface CallState {
  runId: string;
  callId: string;
  stepId: string;
  /** Characters sent per channel, of which generation of the call's text. */
  sent: Map<string, { length: number; generation: number }>;
  /** The next delta is a snapshot (the reader starts mid-call). */
  snapshot: boolean;
}

const ENDED_KEPT = 10_000;

/** The channels of a recorded response: its output text (`''`) and each tool call's arguments (by call id). */
function recordedChannels(data: unknown): Array<{ toolCall?: { id: string; name?: string }; text: string }> {
  const output = (data as { response?: { output?: unknown } }).response?.output;
  if (!Array.isArray(output)) return [];
  let text = '';
  const tools: Array<{ toolCall: { id: string; name?: string }; text: string }> = [];
  for (const item of output as Array<Record<string, unknown>>) {
    if (item.type === 'message' && Array.isArray(item.content)) {
      for (const part of item.content as Array<Record<string, unknown>>) if (part.type === 'output_text' && typeof part.text === 'string') text += part.text;
    } else if (item.type === 'function_call' && typeof item.callId === 'string' && typeof item.arguments === 'string') {
      tools.push({ toolCall: { id: item.callId, ...(typeof item.name === 'string' ? { name: item.name } : {}) }, text: item.arguments });
    }
  }
  return [{ text }, ...tools];
}

function isCallEvent(e: RecordedEvent): e is RecordedEvent & { data: { callId: string } } {
  return (e.type === 'ModelCalled' || e.type === 'ModelResponded' || e.type === 'ModelFailed') && typeof (e.data as { callId?: unknown }).callId === 'string';
}

/**
 * Interleave recorded events with the live deltas of the model calls they open: a call's deltas
 * come after its ModelCalled and stop at its ModelResponded / ModelFailed. A call that is open
 * when the reader arrives starts with one `snapshot` delta holding its text so far. Deltas are
 * sent from the bus's text by offset, so a reader never sees a hole or a repeat, whatever order
 * the bus and the store deliver in.
 */
export function mergeLive(events$: Observable<RecordedEvent>, bus: DeltaBus, options: MergeOptions): Observable<StreamItem> {
  return new Observable<StreamItem>((subscriber) => {
    const open = new Map<string, CallState>();
    const ended = new Set<string>();
    const callKey = (runId: string, callId: string) => `${runId}\u0000${callId}`;

    const send = (p: Omit<PartialOutput, 'generation'> & { generation?: number }, state: CallState) => {
      const key = channelKey(p);
      const before = state.sent.get(key);
      // Text of a new issue of the call (re-issued elsewhere after a crash) replaces what was sent.
      const restarted = before !== undefined && p.generation !== undefined && p.generation !== before.generation && before.length > 0;
      const sent = restarted ? 0 : (before?.length ?? 0);
      if (p.text.length <= sent) return;
      const { runId, stepId, callId, agentId, toolCall } = p;
      const base = { type: 'delta' as const, runId, stepId, callId, agentId, ...(toolCall ? { toolCall } : {}) };
      subscriber.next(state.snapshot || restarted ? { ...base, text: p.text, index: 0, snapshot: true } : { ...base, text: p.text.slice(sent), index: sent });
      state.snapshot = false;
      state.sent.set(key, { length: p.text.length, generation: p.generation ?? before?.generation ?? 0 });
    };
    /** Text already generated when a reader opens a call reaches it as a snapshot. */
    const openCall = (runId: string, callId: string, openedBefore: boolean, stepId?: string) => {
      const partial = bus.inFlight((id) => id === runId).find((p) => p.callId === callId);
      const state: CallState = { runId, callId, stepId: stepId ?? partial?.stepId ?? '', sent: new Map(), snapshot: true };
      open.set(callKey(runId, callId), state);
      for (const p of bus.inFlight((id) => id === runId)) if (p.callId === callId) send(p, state);
      if (!openedBefore) state.snapshot = false;
    };
    /**
     * Before a call's answer, send whatever of its recorded output the reader has not had yet
     * (text that was generated but not delivered, e.g. after the last copy another process stored),
     * so the deltas of every call the reader saw open join to its recorded output.
     */
    const complete = (state: CallState, data: unknown) => {
      const agentId = bus.inFlight((id) => id === state.runId).find((p) => p.callId === state.callId)?.agentId ?? state.stepId.replace(/^\d+-/, '');
      for (const channel of recordedChannels(data)) {
        send({ runId: state.runId, stepId: state.stepId, callId: state.callId, agentId, ...(channel.toolCall ? { toolCall: channel.toolCall } : {}), text: channel.text }, state);
      }
    };
    const close = (key: string) => {
      open.delete(key);
      ended.add(key);
      if (ended.size > ENDED_KEPT) ended.delete(ended.values().next().value!);
    };

    const deltas = bus.deltas$.subscribe(({ delta }) => {
      if (!options.runs(delta.runId)) return;
      const key = callKey(delta.runId, delta.callId);
      const state = open.get(key);
      if (state) {
        const partial = bus.partial(channelKey(delta));
        if (partial) send(partial, state);
      } else if (!ended.has(key) && options.openBefore(delta.runId, delta.callId)) {
        openCall(delta.runId, delta.callId, true);
      }
    });
    for (const p of bus.inFlight((id) => options.runs(id))) {
      const key = callKey(p.runId, p.callId);
      if (!open.has(key) && options.openBefore(p.runId, p.callId)) openCall(p.runId, p.callId, true);
    }
    const events = events$.subscribe({
      next: (e) => {
        if (!isCallEvent(e)) {
          subscriber.next(e);
          return;
        }
        const runId = e.metadata.runId ?? runIdOfStream(e.streamId) ?? '';
        const key = callKey(runId, e.data.callId);
        if (e.type === 'ModelCalled') {
          subscriber.next(e);
          if (!open.has(key) && !ended.has(key)) openCall(runId, e.data.callId, false, (e.data as { stepId?: string }).stepId);
          return;
        }
        const state = open.get(key);
        if (state && e.type === 'ModelResponded') complete(state, e.data);
        close(key);
        subscriber.next(e);
      },
      error: (err: unknown) => subscriber.error(err),
      complete: () => subscriber.complete(),
    });
    return () => {
      deltas.unsubscribe();
      events.unsubscribe();
    };
  });
}
