import type { Context } from 'hono';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import { Subscription, type Observable } from 'rxjs';
import { errorMessage } from '../errors.js';

/** One message of a server-sent event stream. */
export interface SseMessage {
  id?: string;
  event: string;
  data: unknown;
}

/** Options of {@link sseResponse}. */
export interface SseOptions<T> {
  /** How a value becomes a message. */
  toMessage(value: T): SseMessage;
  /** Close the stream after this value (e.g. a run's terminal event), after an `end` message. */
  isLast?(value: T): boolean;
  /** Messages written before the source's (e.g. an immediate `end`). */
  preamble?: SseMessage[];
  /** Skip the source (only the preamble is sent), then close. */
  closeAfterPreamble?: boolean;
  /** Interval of `: ping` comments that keep proxies from closing an idle stream (default 15000). */
  heartbeatMs?: number;
  /** Close the stream when this many messages are queued for a slow client; it reconnects with Last-Event-ID (default 5000). */
  maxQueued?: number;
  /**
   * Join a message onto the last one still queued (e.g. consecutive deltas of one call), so a
   * slow client costs memory by the text it has not read, not by the number of messages.
   */
  join?(queued: SseMessage, next: SseMessage): SseMessage | undefined;
}

/** The client's reconnection delay sent with the first message, in ms. */
export const SSE_RETRY_MS = 1000;

/**
 * Answer with a `text/event-stream` that forwards `source` in order. Messages are written one at
 * a time (backpressure); a client that falls `maxQueued` messages behind is disconnected and
 * resumes with `Last-Event-ID`. The subscription ends when the client goes away. A source error
 * is sent as a `stream-error` message (`data: { code, message }`) before the stream closes.
 * @example
 * ```ts
 * return sseResponse(c, store.subscribe({ from }), { toMessage: (e) => ({ id: e.globalPosition, event: e.type, data: e }) });
 * ```
 */
export function sseResponse<T>(c: Context, source: Observable<T>, options: SseOptions<T>): Response {
  c.header('X-Accel-Buffering', 'no');
  return streamSSE(c, (stream) => pump(stream, source, options));
}

async function pump<T>(stream: SSEStreamingApi, source: Observable<T>, options: SseOptions<T>): Promise<void> {
  let first = true;
  const write = (m: SseMessage) => {
    const retry = first ? { retry: SSE_RETRY_MS } : {};
    first = false;
    return stream.writeSSE({ event: m.event, data: JSON.stringify(m.data), ...(m.id !== undefined ? { id: m.id } : {}), ...retry });
  };
  await stream.write(': aigen\n\n');
  for (const m of options.preamble ?? []) await write(m);
  if (options.closeAfterPreamble) return;

  await new Promise<void>((done) => {
    // Messages not yet written; the one being written has left the queue, so joining onto the
    // last entry never changes what is on the wire.
    const queue: SseMessage[] = [];
    let writing = false;
    let closing = false;
    let finished = false;
    const subscription = new Subscription();
    const ping = setInterval(() => {
      if (queue.length === 0) queue.push({ event: '', data: undefined });
      void drain();
    }, options.heartbeatMs ?? 15_000);
    const finish = () => {
      if (finished) return;
      finished = true;
      clearInterval(ping);
      subscription.unsubscribe();
      if (!writing) done();
    };
    const drain = async () => {
      if (writing) return;
      writing = true;
      try {
        for (let m = queue.shift(); m !== undefined && !stream.aborted; m = queue.shift()) {
          if (m.event === '') await stream.write(': ping\n\n');
          else await write(m);
        }
      } catch {
        // The client went away mid-write.
        queue.length = 0;
        finish();
      }
      writing = false;
      if (finished || (closing && queue.length === 0)) {
        finish();
        done();
      }
    };
    const enqueue = (m: SseMessage, last = false) => {
      const tail = queue[queue.length - 1];
      const joined = tail && options.join ? options.join(tail, m) : undefined;
      if (joined) queue[queue.length - 1] = joined;
      else queue.push(m);
      if (last) closing = true;
      if (queue.length > (options.maxQueued ?? 5000)) finish();
      void drain();
    };
    stream.onAbort(finish);
    subscription.add(
      source.subscribe({
        next: (value) => {
          if (finished || closing) return;
          enqueue(options.toMessage(value));
          if (options.isLast?.(value)) enqueue({ event: 'end', data: {} }, true);
        },
        error: (err: unknown) => {
          const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : 'INTERNAL';
          enqueue({ event: 'stream-error', data: { code, message: errorMessage(err) } }, true);
        },
        complete: () => {
          closing = true;
          void drain();
        },
      }),
    );
  });
}
