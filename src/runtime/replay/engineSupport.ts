import type { Model } from '@openai/agents';
import type { EventData } from '../../events/catalogue.js';
import type { RecordedEvent } from '../../events/envelope.js';
import type { Workflow } from '../../machines/workflow.js';
import { AigenError } from '../../errors.js';
import type { ModelResolver } from '../../models/resolveModel.js';
import type { RunOptions } from '../runOptions.js';
import type { ExecuteResult } from '../runExecution.js';
import type { Divergence } from '../../journal/compare.js';

/** What `engine.replay()` reports. */
export interface ReplayResult {
  match: boolean;
  /** Recorded events re-execution reproduced, in order. */
  matchedEvents: number;
  divergence?: Divergence;
  /** The outcome of the re-executed run (absent when it diverged at RunStarted). */
  result?: ExecuteResult;
}

/** Options of `engine.fork()`. */
export interface ForkOptions {
  /** Stream position of the source run to re-execute up to (inclusive). */
  at: number;
  /** Model of the steps that run live. */
  model?: string;
  /** New instructions per agent id. */
  instructions?: Record<string, string>;
  /** The workflow code (default: rebuilt from the source run's RunStarted, see `recordedWorkflow`). */
  workflow?: Workflow;
  /** Id of the new run (default: a fresh UUID). */
  runId?: string;
  /** The fork's SDK run context (default: the source run's recorded one); see `RunOptions.runContext`. */
  runContext?: unknown;
}

/**
 * A model was called during a verifying replay, where every answer must come from the log.
 * @example
 * ```ts
 * // raised only if a replay reached a model call the log does not answer
 * ```
 */
export class LiveCallInReplayError extends AigenError {
  readonly code = 'LIVE_CALL_IN_REPLAY';
  readonly kind = 'user' as const;
}

const refusing: Model = {
  getResponse: () => Promise.reject(new LiveCallInReplayError('replay reached a model call that the recorded log does not answer')),
  getStreamedResponse: () => {
    throw new LiveCallInReplayError('replay reached a model call that the recorded log does not answer');
  },
};

/** The model resolver of verifying replays: no model may be called. */
export const refuseLiveModels: ModelResolver = () => refusing;

/** The RunStarted data of a run's log. */
export function runStartedOf(log: readonly RecordedEvent[]): EventData<'RunStarted'> {
  const first = log[0];
  if (first?.type !== 'RunStarted') throw new Error('a run stream must start with RunStarted');
  return first.data as EventData<'RunStarted'>;
}

/** The run options recorded in RunStarted, for re-executing it. */
export function runOptionsOf(started: EventData<'RunStarted'>, runId: string): RunOptions {
  return {
    runId,
    model: started.model,
    maxRetries: started.options.maxRetries,
    retryDelayMs: started.options.retryDelayMs,
    // A run recorded without a limit is re-executed without one.
    stepTimeoutMs: started.options.stepTimeoutMs ?? 0,
    ...(started.runContext !== undefined ? { runContext: started.runContext } : {}),
  };
}
