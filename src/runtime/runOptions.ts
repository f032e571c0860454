/** Per-run overrides of `WorkflowEngine.execute`. */
export interface RunOptions {
  model?: string;
  maxRetries?: number;
  retryDelayMs?: number;
  runId?: string;
}
