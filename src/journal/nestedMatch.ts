import type { RecordedEvent } from '../events/envelope.js';
import { sameEvent } from './compare.js';

/** True for an event of a run nested inside a tool call (it carries `parentCallId`). */
export function isNestedEvent(data: unknown): boolean {
  return typeof data === 'object' && data !== null && typeof (data as { parentCallId?: unknown }).parentCallId === 'string';
}

/** How a produced nested event compares with the log. */
export type NestedMatch = { kind: 'matched' } | { kind: 'new' } | { kind: 'differs'; recorded: RecordedEvent };

/**
 * The recorded events of runs nested inside tool calls, for re-execution to match by type and
 * callId in any order: nested runs of parallel tool calls interleave by timing. They are not
 * required: a tool call answered from the log does not run its nested agents again, and its
 * recorded result stands for them.
 */
export class NestedEventPool {
  private readonly byKey = new Map<string, RecordedEvent[]>();

  constructor(events: readonly RecordedEvent[]) {
    for (const e of events) {
      if (!isNestedEvent(e.data)) continue;
      const key = this.key(e.type, e.data);
      const list = this.byKey.get(key);
      if (list) list.push(e);
      else this.byKey.set(key, [e]);
    }
  }

  /** Match a produced nested event against the recorded ones of the same type and callId (each matches once). */
  take(type: string, data: unknown): NestedMatch {
    const list = this.byKey.get(this.key(type, data));
    const recorded = list?.shift();
    if (!recorded) return { kind: 'new' };
    return sameEvent(recorded, { type, data }) ? { kind: 'matched' } : { kind: 'differs', recorded };
  }

  private key(type: string, data: unknown): string {
    return `${type}\u0000${String((data as { callId?: unknown }).callId)}`;
  }
}
