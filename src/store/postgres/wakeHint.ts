import type { AppendRequest, WakeHint } from '../driver.js';

/** NOTIFY payloads must stay below 8000 bytes. */
const MAX_PAYLOAD = 7900;

/** The hint for the events of `batch`: their types and streams. */
export function hintOf(batch: readonly AppendRequest[]): WakeHint {
  const types = new Set<string>();
  const streams = new Set<string>();
  for (const r of batch) {
    streams.add(r.streamId);
    for (const e of r.events) types.add(e.type);
  }
  return { types: [...types], streams: [...streams] };
}

/** The NOTIFY payload of a hint: its JSON, without the streams when too long, else '' (no hint). */
export function hintPayload(hint: WakeHint): string {
  const full = JSON.stringify(hint);
  if (Buffer.byteLength(full) <= MAX_PAYLOAD) return full;
  const typesOnly = JSON.stringify({ types: hint.types });
  return Buffer.byteLength(typesOnly) <= MAX_PAYLOAD ? typesOnly : '';
}

const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/** The hint of a notification's payload; undefined (anything may have changed) for any other payload. */
export function parseHint(payload: string | undefined): WakeHint | undefined {
  if (!payload) return undefined;
  try {
    const v = JSON.parse(payload) as { types?: unknown; streams?: unknown };
    if (!strings(v.types) || (v.streams !== undefined && !strings(v.streams))) return undefined;
    return v.streams === undefined ? { types: v.types } : { types: v.types, streams: v.streams };
  } catch {
    return undefined;
  }
}
