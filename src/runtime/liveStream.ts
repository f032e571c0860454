import { Observable, takeWhile } from 'rxjs';
import type { RecordedEvent } from '../events/envelope.js';
import { runStreamId } from '../events/streams.js';
import { isTerminalEventType } from '../events/terminal.js';
import type { ModelDelta } from '../journal/deltas.js';
import { mergeLive, type StreamItem } from '../journal/liveMerge.js';
import type { EventFilter, EventStore, GlobalFrom, SubscribeOptions } from '../store/eventStore.js';
import type { LiveDeltas } from './liveDeltas.js';

/**
 * A run's recorded events and live model deltas, in order: an rxjs `Observable` that is also an
 * `AsyncIterable`. Iterating buffers what the loop has not taken yet; consecutive deltas of one
 * call are joined in that buffer, so a slow loop holds at most the text it has not read.
 * @example
 * ```ts
 * const stream: RunStream = engine.stream(runId);
 * stream.subscribe((item) => console.log(item.type));       // as an Observable
 * for await (const item of stream) console.log(item.type);  // or with for await
 * ```
 */
export type RunStream = Observable<StreamItem> & AsyncIterable<StreamItem>;

/**
 * Whether a stream item is a delta (else a recorded event).
 * @example
 * ```ts
 * for await (const item of engine.stream(runId)) {
 *   if (isDelta(item)) process.stdout.write(item.text);
 *   else console.log(item.type, item.streamPosition);
 * }
 * ```
 */
export function isDelta(item: StreamItem): item is ModelDelta {
  return item.type === 'delta' && 'callId' in item && !('streamId' in item);
}

const CALL_TYPES = ['ModelCalled', 'ModelResponded', 'ModelFailed'];

/** The model calls of one run that are open at global position `from`: called at or before it, not answered by then. */
async function callsOpenAt(store: EventStore, runId: string, from: GlobalFrom): Promise<Set<string>> {
  if (from === 'start') return new Set();
  const streamId = runStreamId(runId);
  const callOf = (e: RecordedEvent) => (e.data as { callId: string }).callId;
  const called = new Set<string>();
  const answered = new Set<string>();
  for await (const e of store.readStream(streamId)) {
    if (e.type === 'ModelCalled') called.add(callOf(e));
    else if (e.type === 'ModelResponded' || e.type === 'ModelFailed') answered.add(callOf(e));
  }
  if (from !== 'end') {
    for await (const e of store.readAll({ from, filter: { streamPrefix: streamId, types: CALL_TYPES } })) {
      if (e.streamId !== streamId) continue;
      if (e.type === 'ModelCalled') called.delete(callOf(e));
      else answered.delete(callOf(e));
    }
  }
  for (const id of answered) called.delete(id);
  return called;
}

/** Follow other processes' deltas (from the store) while `source` is subscribed. */
function withRemote<T>(deltas: LiveDeltas, source: Observable<T>): Observable<T> {
  return new Observable<T>((subscriber) => {
    const { stop } = deltas.follow();
    const sub = source.subscribe(subscriber);
    return () => {
      sub.unsubscribe();
      stop();
    };
  });
}

/**
 * One run's events (catch-up from `from`, then live) with the live deltas of its model calls,
 * completing after the run's terminal event. A call already under way at `from` starts with a
 * `snapshot` delta of its text so far.
 */
export function streamRun(
  deltas: LiveDeltas,
  runId: string,
  options: {
    from?: GlobalFrom;
    filter?: EventFilter;
    /** How the events are read (default `store.subscribe`; e.g. a subscription that outlives outages). */
    subscribe?: (options: SubscribeOptions) => Observable<RecordedEvent>;
  } = {},
): Observable<StreamItem> {
  const from = options.from ?? 'start';
  const store = deltas.store;
  return new Observable<StreamItem>((subscriber) => {
    let inner: { unsubscribe(): void } | undefined;
    let closed = false;
    callsOpenAt(store, runId, from).then(
      (before) => {
        if (closed) return;
        const subscribe = options.subscribe ?? ((o: SubscribeOptions) => store.subscribe(o));
        const events$ = subscribe({ streamId: runStreamId(runId), from, ...(options.filter ? { filter: options.filter } : {}) });
        const merged = mergeLive(events$, deltas.bus, { runs: (id) => id === runId, openBefore: (_run, callId) => before.has(callId) });
        inner = withRemote(deltas, merged)
          .pipe(takeWhile((item) => isDelta(item) || !isTerminalEventType(item.type), true))
          .subscribe(subscriber);
      },
      (err: unknown) => subscriber.error(err),
    );
    return () => {
      closed = true;
      inner?.unsubscribe();
    };
  });
}

/**
 * Every run's events from `from` with the live deltas of their model calls. Calls under way when
 * the reader arrives start with a `snapshot` delta.
 */
export function streamAll(deltas: LiveDeltas, options: { from: GlobalFrom; filter?: EventFilter }): Observable<StreamItem> {
  const { bus, store } = deltas;
  return new Observable<StreamItem>((subscriber) => {
    const remote = deltas.follow();
    let inner: { unsubscribe(): void } | undefined;
    let closed = false;
    // The calls in flight when the reader arrives (here and, after one poll, elsewhere) start with a snapshot.
    void remote.ready.then(() => {
      if (closed) return;
      const before = new Set(bus.inFlight().map((p) => `${p.runId}\u0000${p.callId}`));
      const events$ = store.subscribe({ from: options.from, ...(options.filter ? { filter: options.filter } : {}) });
      const prefix = options.filter?.streamPrefix ?? 'run-';
      inner = mergeLive(events$, bus, {
        runs: (id) => runStreamId(id).startsWith(prefix),
        openBefore: (runId, callId) => before.has(`${runId}\u0000${callId}`),
      }).subscribe(subscriber);
    });
    return () => {
      closed = true;
      inner?.unsubscribe();
      remote.stop();
    };
  });
}

/** Join a delta onto the last queued one when it continues the same call channel. */
function coalesce(queue: StreamItem[], item: StreamItem): void {
  const last = queue[queue.length - 1];
  if (last && isDelta(last) && isDelta(item) && !item.snapshot && last.runId === item.runId && last.callId === item.callId
    && last.toolCall?.id === item.toolCall?.id && last.index + last.text.length === item.index) {
    queue[queue.length - 1] = { ...last, text: last.text + item.text };
    return;
  }
  queue.push(item);
}

/** Make an observable of stream items iterable with `for await` as well. */
export function toRunStream(source: Observable<StreamItem>): RunStream {
  const iterate = (): AsyncIterator<StreamItem> => {
    const queue: StreamItem[] = [];
    let done = false;
    let failure: { error: unknown } | undefined;
    let wake: (() => void) | undefined;
    const sub = source.subscribe({
      next: (item) => {
        coalesce(queue, item);
        wake?.();
      },
      error: (error: unknown) => {
        failure = { error };
        wake?.();
      },
      complete: () => {
        done = true;
        wake?.();
      },
    });
    return {
      async next(): Promise<IteratorResult<StreamItem>> {
        for (;;) {
          const item = queue.shift();
          if (item) return { value: item, done: false };
          if (failure) throw failure.error;
          if (done) return { value: undefined, done: true };
          await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
        }
      },
      return(): Promise<IteratorResult<StreamItem>> {
        sub.unsubscribe();
        done = true;
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  };
  return Object.assign(source, { [Symbol.asyncIterator]: iterate }) as RunStream;
}

/**
 * Call `onDelta` with every live delta of `runId` (and its parallel branches) published in this
 * process, and `onEnd` when one of their calls ends (its text is recorded or failed); returns the
 * function that stops.
 */
export function onRunDeltas(
  deltas: LiveDeltas,
  runId: string,
  onDelta: (delta: ModelDelta) => void,
  onEnd?: (call: { runId: string; callId: string }) => void,
): () => void {
  const mine = (id: string) => id === runId || id.startsWith(`${runId}.`);
  const { bus } = deltas;
  const sub = bus.deltas$.subscribe(({ delta, origin }) => {
    if (origin === 'local' && mine(delta.runId)) onDelta(delta);
  });
  if (onEnd) sub.add(bus.ended$.subscribe((call) => mine(call.runId) && onEnd(call)));
  return () => sub.unsubscribe();
}

export type { StreamItem, RecordedEvent };
