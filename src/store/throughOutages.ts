import { Observable, type Subscription } from 'rxjs';
import type { RecordedEvent } from '../events/envelope.js';
import { AigenError } from '../errors.js';
import type { EventStore, GlobalFrom, SubscribeOptions } from './eventStore.js';

/** Options of {@link subscribeThroughOutages}. */
export interface OutageOptions {
  /** Called once when the store stops answering (not again until it has answered). */
  onOutage?: (error: unknown) => void;
  /** Called once when it answers again, before the events resume. */
  onRecovered?: () => void;
  /** First wait before asking the store again; doubles up to `maxRetryMs` (defaults 250 and 5000). */
  firstRetryMs?: number;
  maxRetryMs?: number;
}

/** True for a failure to reach the store (a dropped connection, a restarting server), which may pass. */
export const isStoreOutage = (err: unknown): boolean => err instanceof AigenError && err.code === 'STORE_UNAVAILABLE';

/**
 * `store.subscribe(options)` that outlives store outages: when a read fails because the store
 * cannot be reached, it reports the outage once, asks the store again with backoff, and when the
 * store answers continues after the last event it delivered, so that no event is skipped or
 * delivered twice. Other errors (an unreadable event) end it as before. `from: 'end'` means the
 * head at the time of subscribing.
 * @example
 * ```ts
 * subscribeThroughOutages(store, { from: 'end' }, { onOutage: (e) => console.error('store down, retrying', e) })
 *   .subscribe((e) => console.log(e.type));
 * ```
 */
export function subscribeThroughOutages(store: EventStore, options: SubscribeOptions, outages: OutageOptions = {}): Observable<RecordedEvent> {
  const first = outages.firstRetryMs ?? 250;
  const max = outages.maxRetryMs ?? 5000;
  return new Observable<RecordedEvent>((subscriber) => {
    let closed = false;
    let inner: Subscription | undefined;
    let timer: NodeJS.Timeout | undefined;
    let position: GlobalFrom = options.from ?? 'start';
    let down = false;
    let delay = first;

    const fail = (err: unknown) => {
      if (closed) return;
      if (!isStoreOutage(err)) {
        subscriber.error(err);
        return;
      }
      if (!down) {
        down = true;
        outages.onOutage?.(err);
      }
      timer = setTimeout(probe, delay);
      delay = Math.min(delay * 2, max);
    };
    const open = () => {
      inner = store.subscribe({ ...options, from: position }).subscribe({
        next: (e) => {
          position = e.globalPosition;
          subscriber.next(e);
        },
        error: fail,
        complete: () => subscriber.complete(),
      });
    };
    // Asking for the head is the cheapest read that says whether the store answers again.
    const probe = () => {
      store.headPosition().then(
        (head) => {
          if (closed) return;
          if (down) {
            down = false;
            outages.onRecovered?.();
          }
          delay = first;
          // `end` is resolved before the first read, so that a retry continues from there.
          if (position === 'end') position = head ?? 'start';
          open();
        },
        fail,
      );
    };

    if (position === 'end') probe();
    else open();

    return () => {
      closed = true;
      clearTimeout(timer);
      inner?.unsubscribe();
    };
  });
}
