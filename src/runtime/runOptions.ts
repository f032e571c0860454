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
