import type { RecordedEvent } from '../events/envelope.js';
import { CorruptEventError } from '../events/errors.js';
import type { EventStore, ReadAllOptions } from '../store/eventStore.js';

/** One page of the log after a projection's checkpoint. */
export interface LogPage {
  /** The readable events of the page, in log order. */
  events: RecordedEvent[];
  /** The unreadable event that ended the page early, if one did. */
  corrupt?: CorruptEventError;
  /** Where the checkpoint moves once the page is applied; absent when there was nothing to read. */
  last?: string;
  /** True when more may follow (the page was full, or an unreadable event cut it short). */
  more: boolean;
}

/**
 * Read up to `limit` events after `from` (a checkpoint; undefined: the start), narrowed by
 * `options` (filter, envelope-only types). An unreadable event ends the page instead of failing
 * it, so that the reader can record it and continue after it.
 */
export async function readLogPage(
  store: EventStore,
  from: string | undefined,
  limit: number,
  options: Pick<ReadAllOptions, 'filter' | 'envelopeOnly'> = {},
): Promise<LogPage> {
  const events: RecordedEvent[] = [];
  let corrupt: CorruptEventError | undefined;
  try {
    for await (const e of store.readAll({ ...options, from: from ?? 'start', limit })) events.push(e);
  } catch (err) {
    if (!(err instanceof CorruptEventError)) throw err;
    corrupt = err;
  }
  const last = corrupt?.location.globalPosition ?? events[events.length - 1]?.globalPosition;
  return { events, ...(corrupt ? { corrupt } : {}), ...(last !== undefined ? { last } : {}), more: corrupt !== undefined || events.length >= limit };
}
