import { AigenError } from '../errors.js';

/**
 * A workflow could not produce a result: its first agent failed,
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
 * An approval step was rejected (by its approver, or by its timeout with `onTimeout: reject`).
 * The step is not retried; the workflow's failure semantics apply.
 * @example
 * ```ts
 * if (result.error?.code === 'APPROVAL_REJECTED') console.log(result.error.message); // "approval 'publish' rejected by ana: too long"
 * ```
 */
export class ApprovalRejectedError extends WorkflowError {
  override readonly code = 'APPROVAL_REJECTED';
}

