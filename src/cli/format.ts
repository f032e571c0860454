import type { Styles } from './output.js';
import { printable } from '../projections/text.js';

export { SHORT_ID, shortId, formatCount, formatTokens, printable, oneLine, formatState } from '../projections/text.js';

/** `850ms`, `2.3s`, `1m 05s`, `2h 03m`. */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '-';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(Math.floor(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/** `3m ago`, `2h ago`, `5d ago`, or the date for older times. */
export function formatAgo(iso: string | undefined, now = Date.now()): string {
  if (!iso) return '-';
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return iso;
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ago`;
  if (s < 7 * 86_400) return `${Math.floor(s / 86_400)}d ago`;
  return iso.slice(0, 10);
}

/** `HH:MM:SS.mmm` of an ISO time (local time). */
export function formatClock(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

/** Any value as display text: strings as they are (control characters neutralised), everything else as JSON. */
export function asText(value: unknown): string {
  if (typeof value === 'string') return printable(value);
  if (value === undefined || value === null) return '';
  return JSON.stringify(value, null, 2);
}

/** The colour of a status word. */
export function paintStatus(status: string, style: Styles): string {
  switch (status) {
    case 'completed':
    case 'done':
    case 'ok':
      return style.green(status);
    case 'partial':
    case 'retrying':
    case 'cancelled':
    case 'waiting':
      return style.yellow(status);
    case 'failed':
    case 'error':
    case 'stalled':
      return style.red(status);
    case 'running':
    case 'working':
      return style.cyan(status);
    default:
      return status;
  }
}

/** A one-character mark for a status. */
export function statusMark(status: string, style: Styles): string {
  switch (status) {
    case 'completed':
    case 'done':
    case 'ok':
      return style.green('✓');
    case 'partial':
      return style.yellow('◐');
    case 'retrying':
      return style.yellow('↻');
    case 'cancelled':
      return style.yellow('⊘');
    case 'waiting':
      return style.yellow('⏸');
    case 'failed':
    case 'error':
      return style.red('✗');
    case 'running':
    case 'working':
      return style.cyan('●');
    default:
      return style.dim('○');
  }
}

// Visible width of a string (ANSI escapes do not count).
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;
function width(text: string): number {
  return [...text.replace(ANSI, '')].length;
}

/** Left-align columns; the last column is not padded. */
export function table(rows: readonly (readonly string[])[], options: { indent?: string; gap?: number } = {}): string[] {
  const gap = ' '.repeat(options.gap ?? 2);
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, width(cell))));
  return rows.map(
    (row) =>
      (options.indent ?? '') +
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) - width(cell))))
        .join(gap)
        .trimEnd(),
  );
}
