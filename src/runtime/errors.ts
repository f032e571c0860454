import { AigenError } from '../errors.js';

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
 * Another process is executing the run (it is alive, or it appended first), so it is not resumed.
 * @example
 * ```ts
 * await Promise.allSettled([engine.resume(id), other.resume(id)]); // one of them: RUN_BUSY
 * ```
 */
export class RunBusyError extends AigenError {
  readonly code = 'RUN_BUSY';
  readonly kind = 'user' as const;
  constructor(runId: string, options: { detail: string; cause?: unknown }) {
    super(`run ${runId} is busy: ${options.detail}; not resumed`, options.cause === undefined ? {} : { cause: options.cause });
  }
}

/**
 * The store cannot host workers: `memory:` lives in one process, KurrentDB has no lease table yet.
 * @example
 * ```ts
 * await engine.submit(workflow, 'Tides'); // on kurrentdb://…: WorkersUnsupportedError
 * ```
 */
export class WorkersUnsupportedError extends AigenError {
  readonly code = 'WORKERS_UNSUPPORTED';
  readonly kind = 'user' as const;
  constructor(storeKind: string, what = 'workers') {
    super(
      storeKind === 'memory'
        ? `${what} need a store that other processes can share; memory: lives in this process only (use sqlite:<path> or postgres://…)`
        : `${what} are not supported on ${storeKind} stores yet; use sqlite:<path> or postgres://…`,
    );
  }
}

/**
 * The agents SDK stopped a step for an approval it asks for itself (a hosted, shell or computer
 * tool's `needsApproval`): the step fails instead of ending with no output. Function tools'
 * approvals are recorded and wait (see `engine.approve`).
 * @example
 * ```ts
 * // a step whose hosted tool needs approval ends failed: TOOL_APPROVAL_UNSUPPORTED
 * ```
 */
export class ToolApprovalUnsupportedError extends AigenError {
  readonly code = 'TOOL_APPROVAL_UNSUPPORTED';
  readonly kind = 'user' as const;
  constructor(tools: readonly string[]) {
    super(`the agents SDK asked to approve ${tools.join(', ')}; only function tools can wait for an approval here`);
  }
}

/**
 * A decision or signal for something the run is not waiting for. Its message says what the run
 * waits for.
 * @example
 * ```ts
 * await engine.approve(completedRunId); // NotWaitingError: run … is not waiting (completed)
 * ```
 */
export class NotWaitingError extends AigenError {
  readonly code = 'NOT_WAITING';
  readonly kind = 'user' as const;
}

/**
 * A guardrail's tripwire fired: an agent's input or output guardrail, or a tool's input or output
 * guardrail (`throwException`). The step fails and is not retried (the same input trips it again).
 * @example
 * ```ts
 * const r = await engine.execute(workflow, undefined, 'Solve 2x + 3 = 11');
 * // StepFailed { error: { code: 'GUARDRAIL_TRIPPED', message: "input guardrail 'math_homework' tripped: …" } }
 * ```
 */
export class GuardrailTrippedError extends AigenError {
  readonly code = 'GUARDRAIL_TRIPPED';
  readonly kind = 'user' as const;
  /** Tripping again is certain: never retried. */
  readonly retryable = false;
  constructor(
    readonly guardrail: string,
    readonly guardrailKind: 'input' | 'output' | 'tool_input' | 'tool_output',
    readonly outputInfo: unknown,
    options: { cause?: unknown } = {},
  ) {
    const about = outputInfo === undefined ? '' : `: ${(JSON.stringify(outputInfo) ?? 'a value that is not JSON').slice(0, 300)}`;
    super(`${guardrailKind.replace('_', ' ')} guardrail '${guardrail}' tripped${about}`, options);
  }
}
