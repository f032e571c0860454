/**
 * The event types that end a run: after one of them nothing more is appended to the run's stream.
 * Defined once here, beside the catalogue; the runtime, the projections, the CLI, the server and
 * the browser all use this list.
 */
export const TERMINAL_EVENT_TYPES = ['RunCompleted', 'RunFailed', 'RunCancelled'] as const;

/** A type of {@link TERMINAL_EVENT_TYPES}. */
export type TerminalEventType = (typeof TERMINAL_EVENT_TYPES)[number];

const terminal: ReadonlySet<string> = new Set(TERMINAL_EVENT_TYPES);

/**
 * True when an event of this type ends a run.
 * @example
 * ```ts
 * isTerminalEventType('RunCompleted'); // true
 * isTerminalEventType('StepCompleted'); // false
 * ```
 */
export function isTerminalEventType(type: string): type is TerminalEventType {
  return terminal.has(type);
}
