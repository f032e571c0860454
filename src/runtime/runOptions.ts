import type { ModelDelta } from '../journal/deltas.js';

/** Default limit of one step attempt: 5 minutes. */
export const DEFAULT_STEP_TIMEOUT_MS = 300_000;

/** Per-run overrides of `WorkflowEngine.execute`. */
export interface RunOptions {
  model?: string;
  maxRetries?: number;
  retryDelayMs?: number;
  /** Limit of one step attempt in ms (0: no limit). */
  stepTimeoutMs?: number;
  runId?: string;
}

/**
 * Options of `WorkflowEngine.execute`: the run's overrides, plus `onDelta`, called with each
 * piece of model output of the run (and its parallel branches) as it is generated.
 * @example
 * ```ts
 * await engine.execute(workflow, undefined, 'Write about tides', { onDelta: (d) => process.stdout.write(d.text) });
 * ```
 */
export interface ExecuteOptions extends RunOptions {
  onDelta?: (delta: ModelDelta) => void;
}
