import { Observable } from 'rxjs';
import type { RecordedEvent } from '../events/envelope.js';
import type { WakeHint } from './driver.js';
import type { GlobalFrom } from './eventStore.js';

/** What {@link catchUpThenLive} needs from a store. `R` is a stored row, decoded one at a time. */
export interface LiveSource<R extends { globalPosition: string } = RecordedEvent> {
  /** Rows strictly after `after` (or from the start), in global order, at most `limit`. */
  readAfter(after: string | undefined, limit: number): Promise<R[]>;
  /**
   * Turn a row into an event; may throw (e.g. `CorruptEventError`). Rows are decoded one by one
   * as they are delivered, so the events before a bad row still reach the subscriber.
   */
  decode(row: R): RecordedEvent;
  headPosition(): Promise<string | undefined>;
  /** Emits when new events may be readable; completes when the store closes. */
  wake$: Observable<WakeHint | void>;
  /** False for a wake-up about events this subscription cannot match: it is not read for. */
  concerns?: (hint: WakeHint | void) => boolean;
  pollIntervalMs: number;
}

const PAGE = 500;

/**
 * One reading loop for catch-up and live alike: read a page after the last delivered position,
 * deliver it, and when the page was short wait for a wake-up or the poll interval. Because the
 * live phase reads the store exactly as catch-up does, the hand-over can neither skip nor repeat
 * an event, whoever appended it. A wake-up that arrives during a read triggers another read.
 */
export function catchUpThenLive<R extends { globalPosition: string }>(
  source: LiveSource<R>,
  from: GlobalFrom,
): Observable<RecordedEvent> {
  return new Observable<RecordedEvent>((subscriber) => {
    let closed = false;
    let dirty = false;
    let wakeUp: (() => void) | undefined;
    // The store completes wake$ when it closes: its subscriptions complete too.
    const wakeSub = source.wake$.subscribe({
      next: (hint) => {
        if (source.concerns && !source.concerns(hint)) return;
        dirty = true;
        wakeUp?.();
      },
      complete: () => {
        closed = true;
        wakeUp?.();
        subscriber.complete();
      },
    });

    const sleep = () =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(done, source.pollIntervalMs);
        function done() {
          clearTimeout(timer);
          wakeUp = undefined;
          resolve();
        }
        wakeUp = done;
      });

    const run = async () => {
      let after: string | undefined = from === 'start' ? undefined : from === 'end' ? await source.headPosition() : from;
      while (!closed) {
        dirty = false;
        const page = await source.readAfter(after, PAGE);
        for (const row of page) {
          if (closed) return;
          const event = source.decode(row);
          subscriber.next(event);
          after = event.globalPosition;
        }
        if (page.length < PAGE && !dirty && !closed) await sleep();
      }
    };
    run().catch((err: unknown) => {
      if (!closed) subscriber.error(err);
    });

    return () => {
      closed = true;
      wakeSub.unsubscribe();
      wakeUp?.();
    };
  });
}
