import type { AllStreamResolvedEvent, ResolvedEvent } from '@kurrent/kurrentdb-client';
import type { RawEvent } from '../../events/codec.js';
import { encodeKurrentPosition } from './position.js';

const text = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');

/**
 * A KurrentDB event as a stored row for the codec, its stream name without the namespace. JSON
 * events arrive parsed by the client (unparsable JSON arrives as the text itself), binary ones as
 * bytes: both are handed to the codec, which validates them exactly as for the other adapters.
 * Undefined for link events and events outside the namespace.
 */
export function rawOf(resolved: ResolvedEvent | AllStreamResolvedEvent, namespace: string): RawEvent | undefined {
  const e = resolved.event;
  if (!e || !e.streamId.startsWith(namespace) || e.position === undefined) return undefined;
  const data: unknown = e.data instanceof Uint8Array ? text(e.data) : e.data;
  const meta: unknown = e.metadata;
  return {
    eventId: e.id,
    streamId: e.streamId.slice(namespace.length),
    streamPosition: Number(e.revision),
    globalPosition: encodeKurrentPosition(e.position),
    type: e.type,
    data,
    metadata: meta === undefined ? '' : meta instanceof Uint8Array ? text(meta) : meta,
  };
}
