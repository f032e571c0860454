import type { RecordedEvent } from '../events/envelope.js';

/**
 * Event types that re-execution does not reproduce exactly: timing-dependent, claims, and a
 * parent's record of its branches' waits (whether a branch still waits when it is re-executed
 * depends on when it was decided).
 */
export const UNCOMPARED_TYPES = new Set(['SpanRecorded', 'RunResumed', 'RunClaimed', 'RunReleased', 'BranchParked', 'BranchAnswered']);

/** Fields that hold clock readings or generated trace ids, left out of comparisons. */
const VOLATILE: Record<string, readonly string[]> = {
  RunStarted: ['traceId', 'workflow.name', 'workflow.definition', 'workflow.version', 'workflow.source', 'forkOf', 'owner', 'queued', 'concurrency'],
  RunCompleted: ['durationMs'],
  RunFailed: ['durationMs'],
  RunCancelled: ['durationMs'],
};

/** What replay compares of an event: its type and data without volatile fields. */
export function comparable(type: string, data: unknown): unknown {
  const drop = VOLATILE[type];
  if (!drop || typeof data !== 'object' || data === null) return { type, data };
  const copy = structuredClone(data) as Record<string, unknown>;
  for (const path of drop) {
    const keys = path.split('.');
    let node: Record<string, unknown> | undefined = copy;
    for (const k of keys.slice(0, -1)) node = node?.[k] as Record<string, unknown> | undefined;
    if (node) delete node[keys[keys.length - 1]!];
  }
  return { type, data: copy };
}

function stable(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}

/** True when two events are the same for replay purposes. */
export function sameEvent(a: { type: string; data: unknown }, b: { type: string; data: unknown }): boolean {
  return stable(comparable(a.type, a.data)) === stable(comparable(b.type, b.data));
}

/** A readable diff of two JSON values: one line per differing path. */
export function diffJson(recorded: unknown, produced: unknown, path = '', out: string[] = []): string[] {
  if (out.length >= 20) return out;
  const show = (v: unknown) => {
    const s = JSON.stringify(v);
    return s === undefined ? 'undefined' : s.length > 120 ? `${s.slice(0, 117)}...` : s;
  };
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
  if (isObj(recorded) && isObj(produced) && Array.isArray(recorded) === Array.isArray(produced)) {
    const keys = new Set([...Object.keys(recorded), ...Object.keys(produced)]);
    for (const k of keys) diffJson(recorded[k], produced[k], Array.isArray(recorded) ? `${path}[${k}]` : path ? `${path}.${k}` : k, out);
    return out;
  }
  if (typeof recorded === 'string' && typeof produced === 'string' && recorded !== produced && Math.max(recorded.length, produced.length) > 80) {
    // Long texts: show where they start to differ.
    let i = 0;
    while (i < recorded.length && recorded[i] === produced[i]) i++;
    const around = (t: string) => JSON.stringify(`${i > 20 ? '…' : ''}${t.slice(Math.max(0, i - 20), i + 60)}${t.length > i + 60 ? '…' : ''}`);
    out.push(`${path || '(value)'}: differs from character ${i}: recorded ${around(recorded)}, produced ${around(produced)}`);
    return out;
  }
  if (stable(recorded) !== stable(produced)) out.push(`${path || '(value)'}: recorded ${show(recorded)}, produced ${show(produced)}`);
  return out;
}

/** The first point where re-execution differs from the recorded log. */
export interface Divergence {
  /** Stream position of the recorded event that was expected (or the position after the log's end). */
  position: number;
  recorded: { type: string; data: unknown } | undefined;
  produced: { type: string; data: unknown } | undefined;
  diff: string[];
}

/** Build a divergence report. */
export function divergence(position: number, recorded: RecordedEvent | undefined, produced: { type: string; data: unknown } | undefined): Divergence {
  const r = recorded ? { type: recorded.type, data: recorded.data } : undefined;
  return {
    position,
    recorded: r,
    produced,
    diff: r && produced ? diffJson(comparable(r.type, r.data), comparable(produced.type, produced.data)) : [r ? 'the run produced nothing more' : 'the recorded log ends here'],
  };
}
