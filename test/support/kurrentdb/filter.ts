import type { LogRecord } from './log.js';
import type { FilterOptionsT } from './protocol.js';

/**
 * A server-side `$all` filter as KurrentDB applies it: on the stream name or on the event type,
 * by a list of prefixes (plain `startsWith`) or by a regular expression.
 */
export interface RecordFilter {
  matches(record: LogRecord): boolean;
  /** Checkpoint interval in scanned events: max search window x multiplier (subscriptions only). */
  checkpointEvery: number;
}

export function recordFilter(options: FilterOptionsT | undefined): RecordFilter | undefined {
  if (!options) return undefined;
  const onStream = options.hasStreamIdentifier();
  const expr = onStream ? options.getStreamIdentifier() : options.getEventType();
  if (!expr) return undefined;
  const prefixes = expr.getPrefixList();
  const regex = expr.getRegex() === '' ? undefined : new RegExp(expr.getRegex());
  const field = (r: LogRecord) => (onStream ? r.stream : r.type);
  const window = options.hasMax() ? options.getMax() : 32;
  return {
    matches: (r) => {
      const value = field(r);
      if (prefixes.length > 0) return prefixes.some((p) => value.startsWith(p));
      return regex ? regex.test(value) : true;
    },
    checkpointEvery: Math.max(1, window * Math.max(1, options.getCheckpointintervalmultiplier())),
  };
}
