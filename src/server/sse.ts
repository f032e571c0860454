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
    let queued = 0;
    let chain: Promise<unknown> = Promise.resolve();
    let finished = false;
    const subscription = new Subscription();
    const ping = setInterval(() => {
      chain = chain.then(() => stream.write(': ping\n\n'));
    }, options.heartbeatMs ?? 15_000);
    const finish = () => {
      if (finished) return;
      finished = true;
      clearInterval(ping);
      subscription.unsubscribe();
      void chain.finally(done);
    };
    const enqueue = (m: SseMessage, last = false) => {
      queued += 1;
      chain = chain.then(async () => {
        if (!stream.aborted) await write(m);
        queued -= 1;
      });
      if (last || queued > (options.maxQueued ?? 5000)) finish();
    };
    stream.onAbort(finish);
    subscription.add(
      source.subscribe({
        next: (value) => {
          if (finished) return;
          enqueue(options.toMessage(value));
          if (options.isLast?.(value)) enqueue({ event: 'end', data: {} }, true);
        },
        error: (err: unknown) => {
          const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : 'INTERNAL';
          enqueue({ event: 'stream-error', data: { code, message: errorMessage(err) } }, true);
        },
        complete: finish,
      }),
    );
  });
}
