import { eventTypeFilter, excludeSystemEvents, streamNameFilter, type Filter } from '@kurrent/kurrentdb-client';
import type { DriverFilter } from '../driver.js';

/** A global read or subscription's filter, split into the part KurrentDB applies and the rest. */
export interface SplitFilter {
  /** Applied by the server on `$all` (it filters on stream names or on event types, not both). */
  server: Filter;
  /** What the server filter does not cover, checked on each delivered event (stream ids without namespace). */
  local: ((streamId: string, type: string) => boolean) | undefined;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Choose the server-side filter for `$all`: the namespace and stream prefix as a stream-name
 * prefix (literal, so `x_` and `x%` mean themselves), else the types as an exact event-type
 * regex, else only the exclusion of system events (`$`-prefixed types). Whatever the server
 * cannot also apply is checked locally.
 */
export function splitFilter(namespace: string, filter: DriverFilter | undefined): SplitFilter {
  const types = filter?.types;
  const typeOk = types ? (type: string) => types.includes(type) : undefined;
  if (filter?.streamId !== undefined) {
    const id = filter.streamId;
    return {
      server: streamNameFilter({ regex: `^${escape(namespace + id)}$` }),
      local: (streamId, type) => streamId === id && (typeOk?.(type) ?? true),
    };
  }
  if (namespace !== '' || filter?.streamPrefix !== undefined) {
    return {
      server: streamNameFilter({ prefixes: [namespace + (filter?.streamPrefix ?? '')] }),
      local: typeOk && ((_: string, type: string) => typeOk(type)),
    };
  }
  if (types) {
    // No type matches an empty alternation: `(?!)` never matches.
    const regex = types.length === 0 ? '(?!)' : `^(?:${types.map(escape).join('|')})$`;
    return { server: eventTypeFilter({ regex }), local: undefined };
  }
  return { server: excludeSystemEvents(), local: undefined };
}
