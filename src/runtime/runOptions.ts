import type { Catalog } from '../config/catalog.js';
import type { LiveDeltas } from './liveDeltas.js';
import type { ModelDelta } from '../journal/deltas.js';
import type { ModelResolver } from '../models/resolveModel.js';
import type { EventStore } from '../store/eventStore.js';
import type { Clock } from './clock.js';

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
  /**
   * The SDK run context of the run: every agent's `Runner.run` gets (a copy of) it as
   * `RunContext.context`, so tools, guardrails and dynamic instructions read it
   * (`runContext.context.user`). Must be JSON. Recorded in RunStarted with secret-named fields
   * (`apiKey`, `password`, `token`, `secret`, `authorization`, …) scrubbed to `[redacted]`;
   * replay, resume, fork and continuation supply the recorded value again. Not aigen's
   * `Context`, which holds the outputs of earlier agents.
   */
  runContext?: unknown;
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

/** Options of `WorkflowEngine`. */
export interface EngineOptions {
  store: EventStore;
  /**
   * The live text of the engine's model calls (default: its own over `store`). Readers in the same
   * process, such as the HTTP server, share it through `engine.deltas`.
   */
  deltas?: LiveDeltas;
  /** Retries after a step's first failure (default 3: four attempts in all). */
  maxRetries?: number;
  /** Delay before the first retry; doubles each retry (default 5000). */
  retryDelayMs?: number;
  /** Spread retry delays by ±25 % (default false). */
  jitter?: boolean;
  /**
   * Abort a step attempt (its model and tool calls) that runs longer than this, so a hung model
   * connection fails the attempt as STEP_TIMEOUT (retryable) instead of holding the run forever.
   * Default {@link DEFAULT_STEP_TIMEOUT_MS}; 0 turns the limit off.
   */
  stepTimeoutMs?: number;
  /** Turn limit of handoff chains and of each SDK run (default 80). */
  maxTurns?: number;
  /** Default model of runs (default `AIGEN_MODEL` or `offline`). */
  model?: string;
  clock?: Clock;
  /** Source of randomness for jitter. */
  random?: () => number;
  modelResolver?: ModelResolver;
  env?: NodeJS.ProcessEnv;
  /**
   * Where tool names of agents and the workflows of recorded runs (replay, resume, fork) are
   * looked up (default: the default catalog, where `registerTool` and `registerWorkflowFactory` register).
   */
  catalog?: Catalog;
  /**
   * Lease length of the runs this engine executes itself (default `AIGEN_LEASE_MS` or 15000):
   * killed, its runs show `stalled` after this long and a worker continues them.
   */
  leaseMs?: number;
}
