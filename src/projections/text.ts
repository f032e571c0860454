/** Plain-text helpers shared by every place that describes events and runs as text (CLI and browser). */
import type { Usage } from '../events/common.js';

/** How many characters of a runId are shown (any unique prefix is accepted back). */
export const SHORT_ID = 8;

/** The first characters of a runId; a child run keeps its branch suffix. */
export function shortId(runId: string): string {
  const dot = runId.indexOf('.');
  if (dot > 0) return `${runId.slice(0, Math.min(SHORT_ID, dot))}${runId.slice(dot)}`;
  return runId.slice(0, SHORT_ID);
}

/** `1,749`. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** `1,749 tokens`; empty when nothing was used. */
export function formatTokens(usage: Usage | undefined): string {
  if (!usage || usage.totalTokens === 0) return '';
  return `${formatCount(usage.totalTokens)} tokens`;
}

/**
 * Recorded text made safe for a terminal: control characters (ESC, BEL, CR, DEL, C1 …) from
 * inputs or model output are shown as visible symbols (`␛`, `␇`) instead of being obeyed.
 * Newlines and tabs are kept. Only for text output: `--json` prints values as recorded.
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => {
    const code = c.charCodeAt(0);
    if (code < 0x20) return String.fromCharCode(0x2400 + code);
    return code === 0x7f ? '␡' : `\\x${code.toString(16)}`;
  });
}

/** Collapse whitespace to one line, cut at `max` characters, and neutralise control characters. */
export function oneLine(text: string, max = 80): string {
  const flat = printable(text.replace(/\s+/g, ' ').trim());
  return flat.length > max ? `${flat.slice(0, Math.max(0, max - 1))}…` : flat;
}

/** An XState state value as text: `working`, `review.critic`. */
export function formatState(value: unknown): string {
  if (value === undefined || value === null) return '-';
  if (typeof value === 'string') return value;
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => (v === null || (typeof v === 'object' && Object.keys(v).length === 0) ? k : `${k}.${formatState(v)}`))
      .join(', ');
  }
  return JSON.stringify(value);
}
