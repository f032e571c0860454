import { EventSource, type FetchLike } from 'eventsource';

/** One message an EventSource delivered. */
export interface Received {
  type: string;
  id: string;
  data: { streamPosition?: number; globalPosition?: string; type?: string; runId?: string; [k: string]: unknown };
}

/** Event names the run streams send (each catalogue type, plus `end`). */
const TYPES = [
  'RunStarted', 'Transitioned', 'TaskSent', 'ModelCalled', 'ModelResponded', 'ModelFailed', 'ToolCalled', 'ToolReturned',
  'ToolFailed', 'HandoffRequested', 'BranchTaken', 'StepCompleted', 'StepFailed', 'ChildRunStarted', 'ChildRunFinished',
  'SpanRecorded', 'RunCompleted', 'RunFailed', 'RunCancelled', 'RunResumed', 'run', 'end', 'stream-error',
];

/** Options of {@link collect}. */
export interface CollectOptions {
  /** Custom fetch (headers, cutting a connection). */
  fetch?: FetchLike;
  /** Stop when this returns true for the messages so far. */
  until?: (messages: Received[]) => boolean;
  timeoutMs?: number;
  /** Also collect live `delta` messages (they carry no id). */
  deltas?: boolean;
}

/**
 * Open an `eventsource` client on `url` and collect every named message until `end` (or `until`),
 * then close it. Reconnections are the client's own (with its Last-Event-ID).
 */
export function collect(url: string, options: CollectOptions = {}): Promise<Received[]> {
  const source = new EventSource(url, options.fetch ? { fetch: options.fetch } : {});
  const messages: Received[] = [];
  return new Promise<Received[]>((resolve, reject) => {
    const timer = setTimeout(() => {
      source.close();
      reject(new Error(`SSE ${url}: no end after ${messages.length} messages`));
    }, options.timeoutMs ?? 20_000);
    const done = () => {
      clearTimeout(timer);
      source.close();
      resolve(messages);
    };
    for (const type of options.deltas ? [...TYPES, 'delta'] : TYPES) {
      source.addEventListener(type, (e: MessageEvent) => {
        messages.push({ type, id: e.lastEventId, data: JSON.parse(String(e.data)) as Received['data'] });
        if (type === 'end' || options.until?.(messages)) done();
      });
    }
  });
}

/** A fetch that adds headers to every request the client makes. */
export function withHeaders(headers: Record<string, string>, seen?: Array<Record<string, string>>): FetchLike {
  return (url, init) => {
    const all = { ...init.headers, ...headers };
    seen?.push(all);
    return fetch(url, { ...init, headers: all });
  };
}

/**
 * A fetch whose first response is cut after `events` complete SSE messages that `counts` (by
 * default: messages with an id), as a dropped connection would be; later requests pass through.
 * Records each request's headers.
 */
export function cuttingFetch(events: number, seen: Array<Record<string, string>>, counts: (block: string) => boolean = (b) => /^id: /m.test(b)): FetchLike {
  let calls = 0;
  return async (url, init) => {
    seen.push({ ...init.headers });
    const res = await fetch(url, init);
    if (calls++ > 0 || !res.body) return res;
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    const encoder = new TextEncoder();
    let buffer = '';
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const { done, value } = await reader.read();
        if (done) return controller.close();
        buffer += decoder.decode(value as Uint8Array, { stream: true });
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut + 2);
          buffer = buffer.slice(cut + 2);
          controller.enqueue(encoder.encode(block));
          if (counts(block) && ++sent >= events) {
            await reader.cancel();
            return controller.close();
          }
        }
      },
      cancel: () => reader.cancel(),
    });
    return new Response(body, { status: res.status, headers: res.headers });
  };
}
