import { timeOrderedUuid } from './ids.js';
import type { z } from 'zod';
import { currentSchemaVersion, eventDataSchemas, eventReadSchemas } from './catalogue.js';
import { MAX_EVENT_BYTES, METADATA_RESERVE_BYTES, metadataSchema, type EventMetadata, type NewEvent, type RecordedEvent } from './envelope.js';
import { redactSecrets } from '../secrets.js';
import { compileParser, compileParsers, UNSURE } from './fastParse.js';
import { CorruptEventError, EventTooLargeError, EventValidationError, type EventLocation } from './errors.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** An event ready to be written: validated, with its JSON already serialised once. */
export interface EncodedEvent {
  eventId: string;
  /** True when the codec made the id up (a fresh UUID): it cannot be stored yet, so no lookup is needed. */
  generatedId?: boolean;
  type: string;
  data: string;
  metadata: string;
}

/** A stored row as an adapter reads it, before decoding. */
export interface RawEvent extends EventLocation {
  eventId: string;
  type: string;
  /** JSON text, or an already parsed value (e.g. a jsonb column). */
  data: unknown;
  /** JSON text, or an already parsed value. */
  metadata: unknown;
}

/** Upgrades a payload from `fromVersion` to `fromVersion + 1`. */
export type Upcaster = (data: unknown) => unknown;

/**
 * Validates and serialises events on write, parses, upcasts and validates them on read.
 * Stores are given one; the default speaks the aigen catalogue.
 */
export interface EventCodec {
  encode(event: NewEvent): EncodedEvent;
  decode(raw: RawEvent): RecordedEvent;
}

/**
 * Throw {@link EventTooLargeError} when `data` would not fit in one event, leaving
 * `METADATA_RESERVE_BYTES` for its metadata. Lets a writer record a clean failure instead of an
 * append that can never succeed (e.g. a model answer larger than the store accepts).
 * @example
 * ```ts
 * assertFitsInEvent('ModelResponded', { response }); // throws EventTooLargeError past ~16 MiB
 * ```
 */
export function assertFitsInEvent(type: string, data: unknown): void {
  const limit = MAX_EVENT_BYTES - METADATA_RESERVE_BYTES;
  const json = JSON.stringify(data) ?? '';
  if (json.length * 3 <= limit) return;
  const bytes = Buffer.byteLength(json);
  if (bytes > limit) throw new EventTooLargeError(type, bytes, limit);
}

/** Options of {@link createCodec}. */
export interface CodecOptions {
  /** zod schema of each event type's data. */
  schemas: Record<string, z.ZodType>;
  /** Schemas for decoding, when reads can skip checks that writes made (default: `schemas`). */
  readSchemas?: Record<string, z.ZodType>;
  /** Current schema version of stored payloads. */
  version: number;
  /** Upcasters per type, keyed by the version they upgrade from. */
  upcasters?: Record<string, Record<number, Upcaster>>;
  /** Clock used for `recordedAt` when the caller gave none. */
  now?: () => Date;
}

function issuePath(prefix: string, err: z.ZodError): string {
  const first = err.issues[0];
  if (!first) return `${prefix}: invalid`;
  const path = first.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
  return `${prefix}${path}: ${first.message}`;
}

function stringify(value: unknown, where: string): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (e) {
    throw new EventValidationError(`${where} is not JSON-serialisable: ${(e as Error).message}`, { path: where, cause: e });
  }
  if (json === undefined) throw new EventValidationError(`${where} is not JSON-serialisable`, { path: where });
  return json;
}

/**
 * Build a codec for a catalogue of event schemas.
 * @example
 * ```ts
 * const codec = createCodec({ schemas: { Ping: z.object({ n: z.number() }) }, version: 1 });
 * codec.encode({ type: 'Ping', data: { n: 1 } });
 * ```
 */
export function createCodec(options: CodecOptions): EventCodec {
  const { schemas, version } = options;
  const readSchemas = options.readSchemas ?? schemas;
  const now = options.now ?? (() => new Date());
  // toISOString is costly on the append hot path; one string per millisecond is enough.
  let lastMs = -1;
  let lastIso = '';
  const isoNow = () => {
    const d = now();
    const ms = d.getTime();
    if (ms !== lastMs) {
      lastMs = ms;
      lastIso = d.toISOString();
    }
    return lastIso;
  };
  const upcasters = options.upcasters ?? {};
  // Compiled parsers answer for plain values (what the runtime builds and JSON.parse returns);
  // zod parses whatever they cannot vouch for, and reports the issue of a refused value.
  const fastWrite = compileParsers(schemas);
  const fastRead = readSchemas === schemas ? fastWrite : compileParsers(readSchemas);
  const fastMeta = compileParser(metadataSchema);
  const parse = (fast: ((v: unknown) => unknown) | undefined, schema: z.ZodType, value: unknown): z.ZodSafeParseResult<unknown> => {
    const out = fast ? fast(value) : UNSURE;
    return out === UNSURE ? schema.safeParse(value) : { success: true, data: out };
  };

  return {
    encode(event) {
      if (event === null || typeof event !== 'object') throw new EventValidationError('event must be an object');
      const schema = Object.prototype.hasOwnProperty.call(schemas, event.type) ? schemas[event.type] : undefined;
      if (!schema) {
        throw new EventValidationError(`unknown event type '${String(event.type)}'`, { path: 'type' });
      }
      const parsed = parse(fastWrite[event.type], schema, event.data);
      if (!parsed.success) {
        throw new EventValidationError(issuePath(`${event.type}.data`, parsed.error), { path: `${event.type}.data` });
      }
      const metadata: EventMetadata = {
        ...event.metadata,
        recordedAt: event.metadata?.recordedAt ?? isoNow(),
        schemaVersion: event.metadata?.schemaVersion ?? version,
      };
      const checked = parse(fastMeta, metadataSchema, metadata);
      if (!checked.success) {
        throw new EventValidationError(issuePath(`${event.type}.metadata`, checked.error), { path: `${event.type}.metadata` });
      }
      // Configured keys echoed by a model server (errors, spans) are never stored.
      const data = redactSecrets(stringify(parsed.data, `${event.type}.data`));
      const meta = redactSecrets(stringify(checked.data, `${event.type}.metadata`));
      // UTF-8 needs at most 3 bytes per UTF-16 unit: count bytes only when that bound is over.
      const bytes = (data.length + meta.length) * 3 <= MAX_EVENT_BYTES ? 0 : Buffer.byteLength(data) + Buffer.byteLength(meta);
      if (bytes > MAX_EVENT_BYTES) throw new EventTooLargeError(event.type, bytes, MAX_EVENT_BYTES);
      const eventId = event.eventId ?? timeOrderedUuid();
      if (event.eventId !== undefined && !UUID.test(eventId)) {
        throw new EventValidationError(`${event.type}.eventId: must be a UUID, got '${String(eventId)}'`, { path: `${event.type}.eventId` });
      }
      return { eventId, type: event.type, data, metadata: meta, ...(event.eventId === undefined ? { generatedId: true } : {}) };
    },

    decode(raw) {
      const location = (): EventLocation => ({ streamId: raw.streamId, streamPosition: raw.streamPosition, globalPosition: raw.globalPosition });
      const schema = Object.prototype.hasOwnProperty.call(readSchemas, raw.type) ? readSchemas[raw.type] : undefined;
      if (!schema) throw new CorruptEventError(location(), `unknown event type '${raw.type}'`);
      let data: unknown;
      let metadata: unknown;
      try {
        data = typeof raw.data === 'string' ? JSON.parse(raw.data) : raw.data;
        metadata = typeof raw.metadata === 'string' ? JSON.parse(raw.metadata) : raw.metadata;
      } catch (e) {
        throw new CorruptEventError(location(), `invalid JSON (${(e as Error).message})`, { cause: e });
      }
      const meta = parse(fastMeta, metadataSchema, metadata) as z.ZodSafeParseResult<EventMetadata>;
      if (!meta.success) throw new CorruptEventError(location(), issuePath(`${raw.type}.metadata`, meta.error));
      let v = meta.data.schemaVersion;
      if (v > version) {
        throw new CorruptEventError(location(), `schemaVersion ${v} is newer than this build understands (${version})`);
      }
      while (v < version) {
        const up = upcasters[raw.type]?.[v];
        if (!up) throw new CorruptEventError(location(), `no upcaster for ${raw.type} from schemaVersion ${v}`);
        data = up(data);
        v += 1;
      }
      const parsed = parse(fastRead[raw.type], schema, data);
      if (!parsed.success) throw new CorruptEventError(location(), issuePath(`${raw.type}.data`, parsed.error));
      return {
        eventId: raw.eventId,
        streamId: raw.streamId,
        streamPosition: raw.streamPosition,
        globalPosition: raw.globalPosition,
        type: raw.type,
        data: parsed.data,
        metadata: v === meta.data.schemaVersion ? meta.data : { ...meta.data, schemaVersion: v },
      };
    },
  };
}

/** The codec of the aigen event catalogue, used by every store unless told otherwise. */
export const aigenCodec: EventCodec = createCodec({ schemas: eventDataSchemas, readSchemas: eventReadSchemas, version: currentSchemaVersion });
