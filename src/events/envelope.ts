import { z } from 'zod';
import type { EventData, EventType } from './catalogue.js';

/**
 * Metadata every recorded event carries. `recordedAt` and `schemaVersion` are filled by the
 * store when missing; the runtime sets the rest.
 */
export const metadataSchema = z.strictObject({
  runId: z.string().optional(),
  rootRunId: z.string().optional(),
  causationId: z.string().optional(),
  actorId: z.string().optional(),
  traceId: z.string().optional(),
  recordedAt: z.string(),
  schemaVersion: z.number().int().positive(),
  /** Free-form string labels of the caller (correlation ids, tenant, …). */
  tags: z.record(z.string(), z.string()).optional(),
});
export type EventMetadata = z.infer<typeof metadataSchema>;

/**
 * An event as read back from a store.
 * `globalPosition` is an opaque, totally ordered token of the store that wrote it: pass it back
 * as `from` to read or subscribe after it; never do arithmetic on it.
 */
export interface RecordedEvent<T extends string = string, D = unknown> {
  eventId: string;
  streamId: string;
  streamPosition: number;
  globalPosition: string;
  type: T;
  data: D;
  metadata: EventMetadata;
}

/** Any event of the aigen catalogue, narrowed by `type`. */
export type AigenEvent = { [K in EventType]: RecordedEvent<K, EventData<K>> }[EventType];

/**
 * Where an event is and what it is: its positions, id and type, in the order aigen prints them.
 * @example
 * ```ts
 * const { streamId, streamPosition } = eventIdentity(e);
 * ```
 */
export function eventIdentity(e: RecordedEvent): Pick<RecordedEvent, 'globalPosition' | 'streamId' | 'streamPosition' | 'eventId' | 'type'> {
  return { globalPosition: e.globalPosition, streamId: e.streamId, streamPosition: e.streamPosition, eventId: e.eventId, type: e.type };
}

/** An event to append. `eventId` defaults to a new time-ordered UUID (v7); metadata gaps are filled by the store. */
export interface NewEvent<T extends string = string, D = unknown> {
  eventId?: string;
  type: T;
  data: D;
  metadata?: Partial<EventMetadata>;
}

/** A catalogue event to append, typed by its `type`. */
export type NewAigenEvent = { [K in EventType]: NewEvent<K, EventData<K>> }[EventType];

/**
 * Maximum size of one event's serialised data + metadata (UTF-8 bytes): 16 MiB. Every adapter
 * stores and reads back events up to this size; larger appends fail with `EventTooLargeError`.
 */
export const MAX_EVENT_BYTES = 16 * 1024 * 1024;

/**
 * Room kept for an event's metadata when a payload is checked before its metadata is known
 * (see `assertFitsInEvent`): such payloads may use up to `MAX_EVENT_BYTES - METADATA_RESERVE_BYTES`.
 */
export const METADATA_RESERVE_BYTES = 64 * 1024;
