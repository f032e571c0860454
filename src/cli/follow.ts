import { Subscription, type Observable } from 'rxjs';
import type { RecordedEvent } from '../events/envelope.js';
import type { EventStore, SubscribeOptions } from '../store/eventStore.js';
import { subscribeThroughOutages } from '../store/throughOutages.js';
import { errorMessage } from '../errors.js';
import type { CliContext } from './context.js';

/**
 * Consume a live event stream until `onEvent` returns true, the stream ends, or SIGINT / SIGTERM (which
 * ends the command normally, exit 0). Rejects when the subscription fails.
 */
export function follow<T = RecordedEvent>(ctx: CliContext, events: Observable<T>, onEvent: (e: T) => boolean | void): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const subscription = new Subscription();
    let done = false;
    const finish = () => {
      done = true;
      subscription.unsubscribe();
      ctx.onInterrupt(undefined);
      resolve();
    };
    subscription.add(
      events.subscribe({
        next: (e) => {
          if (!done && onEvent(e) === true) finish();
        },
        error: (err: unknown) => {
          done = true;
          reject(err instanceof Error ? err : new Error(String(err)));
        },
        complete: finish,
      }),
    );
    if (!done) ctx.onInterrupt(finish);
    ctx.onClose(() => subscription.unsubscribe());
  });
}

/**
 * The events of `store.subscribe(options)` for a following command: an outage of the store is
 * reported once on stderr, retried with backoff, and the command continues after the last event
 * it printed once the store answers again. A store read through a copy (read-only SQLite) says so.
 */
export function followStore(ctx: CliContext, store: EventStore, options: SubscribeOptions): Observable<RecordedEvent> {
  const { err } = ctx.output;
  if (ctx.copiedStore !== undefined) {
    err.line(`aigen: ${ctx.copiedStore} is read-only for this user: following a copy taken just now, so events recorded after it do not appear`);
  }
  return subscribeThroughOutages(store, options, {
    onOutage: (e) => err.line(`aigen: ${errorMessage(e)}; retrying until it answers (Ctrl-C to stop)`),
    onRecovered: () => err.line('aigen: the event store answers again; continuing after the last event shown'),
  });
}
