import { Observable, type Subscription } from 'rxjs';
import { CorruptEventError } from '../events/errors.js';
import { runStreamId } from '../events/streams.js';
import { isTerminalEventType } from '../events/terminal.js';
import type { EventStore, GlobalFrom } from '../store/eventStore.js';
import type { WatchUpdate } from './api.js';
import { EventRejectedError } from './errors.js';
import { applyRunStatus } from './fold.js';
import type { RunStatus } from './status.js';

/**
 * Follow one run live: `{ event, status }` for each event of its stream (catch-up, then live),
 * completing after the run's terminal event. An unreadable event is skipped, a rejected one
 * (e.g. before RunStarted) is not emitted. Unsubscribing stops reading.
 * @example
 * ```ts
 * watchRun(store, runId).subscribe(({ event, status }) => console.log(event.type, status.status));
 * ```
 */
export function watchRun(store: EventStore, runId: string): Observable<WatchUpdate> {
  return new Observable<WatchUpdate>((subscriber) => {
    let status: RunStatus | undefined;
    let current: Subscription | undefined;
    const listen = (from: GlobalFrom) => {
      current = store.subscribe({ streamId: runStreamId(runId), from }).subscribe({
        next: (event) => {
          try {
            status = applyRunStatus(status, event);
          } catch (err) {
            if (err instanceof EventRejectedError) return;
            throw err;
          }
          subscriber.next({ event, status });
          if (isTerminalEventType(event.type)) subscriber.complete();
        },
        error: (err: unknown) => {
          if (err instanceof CorruptEventError && !subscriber.closed) listen(err.location.globalPosition);
          else subscriber.error(err);
        },
        complete: () => subscriber.complete(),
      });
    };
    listen('start');
    return () => current?.unsubscribe();
  });
}
