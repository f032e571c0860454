import { AigenError } from '../errors.js';

/**
 * A workflow could not produce a result (the seed's `WorkflowError`): its first agent failed,
 * it has no agents, or a handoff chain ran past its turn limit.
 * @example
 * ```ts
 * if (result.status === 'failed') console.log(result.error?.code); // 'WORKFLOW_FAILED'
 * ```
 */
export class WorkflowError extends AigenError {
  readonly code: string = 'WORKFLOW_FAILED';
  readonly kind = 'system' as const;
  constructor(
    message: string,
    readonly workflowId?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * A handoff workflow handed over more times than its `maxTurns`.
 * @example
 * ```ts
 * new HandoffWorkflow({ agents, name: 'loop', maxTurns: 10 }); // fails with MAX_TURNS_EXCEEDED
 * ```
 */
export class MaxTurnsExceededError extends WorkflowError {
  override readonly code = 'MAX_TURNS_EXCEEDED';
}

/**
 * An agent step took longer than `stepTimeoutMs`.
 * @example
 * ```ts
 * new WorkflowEngine({ store, stepTimeoutMs: 30_000 });
 * ```
 */
export class StepTimeoutError extends AigenError {
  readonly code = 'STEP_TIMEOUT';
  readonly kind = 'system' as const;
}

/**
 * A real model was asked for but `OPENAI_API_KEY` is not set. Raised before the run starts.
 * @example
 * ```ts
 * await engine.execute(workflow, undefined, 'hi', { model: 'gpt-4.1-mini' }); // throws without a key
 * ```
 */
export class MissingApiKeyError extends AigenError {
  readonly code = 'MISSING_API_KEY';
  readonly kind = 'user' as const;
  constructor(model: string) {
    super(
      `model '${model}' needs OPENAI_API_KEY (and OPENAI_BASE_URL for a compatible server); use --model offline to run without a key`,
    );
  }
}

/**
 * A run was cancelled while a step was in flight.
 * @example
 * ```ts
 * await engine.cancel(runId);
 * ```
 */
export class RunCancelledError extends AigenError {
  readonly code = 'RUN_CANCELLED';
  readonly kind = 'user' as const;
}

/**
 * A run that already ended cannot be resumed.
 * @example
 * ```ts
 * await engine.resume(finishedRunId); // RunFinishedError: run … already ended (RunCompleted)
 * ```
 */
export class RunFinishedError extends AigenError {
  readonly code = 'RUN_FINISHED';
  readonly kind = 'user' as const;
  constructor(runId: string, terminal: string) {
    super(`run ${runId} already ended (${terminal}); fork it to run it again`);
  }
}

/**
 * Another process is writing the run (its append and ours collided), so it is not resumed.
 * @example
 * ```ts
 * await Promise.allSettled([engine.resume(id), other.resume(id)]); // one of them: RUN_BUSY
 * ```
 */
export class RunBusyError extends AigenError {
  readonly code = 'RUN_BUSY';
  readonly kind = 'user' as const;
  constructor(runId: string, options?: { cause?: unknown }) {
    super(`run ${runId} is being written by another process; not resumed`, options);
  }
}
