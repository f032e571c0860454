/** How the offline model quotes a tool's result in its answer. */
import { clip } from './text.js';

/** One call of an agent's own tool, once it has answered. */
export interface ToolOutcome {
  readonly name: string;
  /** The result as the model received it (text, or JSON text). */
  readonly output: string;
  /** The call's arguments as sent (JSON text), when known. */
  readonly arguments?: string | undefined;
}

/** What the model gets instead of a result when a person rejected the call (see `rejectionOutput`). */
interface Rejection {
  readonly reason: string;
  readonly by: string | undefined;
}

const MAX_RESULT = 400;

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The rejection a result stands for, when the call was rejected rather than run. */
export function rejectionOf(output: string): Rejection | undefined {
  const value = parse(output);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const r = value as Record<string, unknown>;
  if (r.status !== 'rejected') return undefined;
  const reason = typeof r.reason === 'string' && r.reason.trim() !== '' ? r.reason.trim() : 'no reason given';
  return { reason, by: typeof r.by === 'string' && r.by !== '' ? r.by : undefined };
}

/**
 * A tool result as it is quoted: text with its whitespace collapsed, a JSON value rendered
 * compactly (`key: value, key: value`; lists joined by commas), at most 400 characters.
 *
 * @example
 * ```ts
 * renderResult('{"booking":"BK-1","seats":[12,13]}'); // 'booking: BK-1, seats: 12, 13'
 * renderResult('Paris:\n sunny, 21 °C');             // 'Paris: sunny, 21 °C'
 * ```
 */
export function renderResult(output: string): string {
  const trimmed = output.trim();
  if (trimmed === '') return '(no output)';
  const value = /^[[{"]/.test(trimmed) ? parse(trimmed) : undefined;
  const text = value === undefined ? trimmed : render(value, 0);
  return clip(text, MAX_RESULT) || '(no output)';
}

function render(value: unknown, depth: number): string {
  if (value === null || value === undefined) return 'none';
  if (typeof value === 'string') return value.replace(/\s+/g, ' ').trim();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value !== 'object') return '';
  if (Array.isArray(value)) {
    if (value.length === 0) return 'none';
    const items = value.slice(0, 8).map((v) => (typeof v === 'object' && v !== null && depth < 3 ? `(${render(v, depth + 1)})` : render(v, depth + 1)));
    return `${items.join(', ')}${value.length > 8 ? ` and ${value.length - 8} more` : ''}`;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return 'none';
  return entries
    .map(([k, v]) => `${k}: ${typeof v === 'object' && v !== null && !Array.isArray(v) && depth < 3 ? `(${render(v, depth + 1)})` : render(v, depth + 1)}`)
    .join(', ');
}

/** The short arguments of a call ("city: Paris, date: 2026-12-24"), long texts left out. */
function renderArguments(args: string | undefined): string {
  const value = args === undefined ? undefined : parse(args);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return '';
  return Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
    .map(([k, v]) => [k, render(v, 0)] as const)
    .filter(([, v]) => v.length <= 40)
    .slice(0, 4)
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ');
}

/**
 * The sentence that carries a tool's result into the answer: the result quoted, with the call's
 * short arguments; or, when the call was rejected, a plain sentence with the rejection's reason.
 *
 * @example
 * ```ts
 * resultSentence({ name: 'get_weather', output: 'Paris: sunny', arguments: '{"city":"Paris"}' });
 * // 'The `get_weather` tool (city: Paris) returned: Paris: sunny.'
 * resultSentence({ name: 'refund', output: '{"status":"rejected","reason":"too late"}' });
 * // 'The call to `refund` was rejected: too late, so the tool did not run.'
 * ```
 */
export function resultSentence(outcome: ToolOutcome): string {
  const rejected = rejectionOf(outcome.output);
  if (rejected) {
    const reason = clip(rejected.reason, 200).replace(/[.!?…]+$/, '');
    return `The call to \`${outcome.name}\` was rejected${rejected.by ? ` by ${rejected.by}` : ''}: ${reason}, so the tool did not run.`;
  }
  const args = renderArguments(outcome.arguments);
  const result = renderResult(outcome.output);
  return `The \`${outcome.name}\` tool${args ? ` (${args})` : ''} returned: ${/[.!?…]$/.test(result) ? result : `${result}.`}`;
}

/**
 * The line of an earlier agent's output that quotes a tool's result (as {@link resultSentence}
 * writes it), so the agents after it in a pipeline keep quoting it.
 *
 * @example
 * ```ts
 * carriedResult('The `lookup_price` tool (product: Kindle) returned: Kindle: 42 EUR.'); // the same line
 * carriedResult('# An article\n\nNo tools here.'); // undefined
 * ```
 */
export function carriedResult(previous: string | undefined): string | undefined {
  if (previous === undefined) return undefined;
  const lines = previous.split('\n').map((l) => l.trim().replace(/^(?:[-*•]\s+|Short answer:\s+)/, ''));
  return lines.reverse().find((l) => /^The `[^`]+` tool(?: \([^)]*\))? returned: |^The call to `[^`]+` was rejected\b/.test(l));
}
