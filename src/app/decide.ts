import { ValidationError } from '../errors.js';
import type { DecisionResult } from '../runtime/decide.js';
import type { WorkflowEngine } from '../runtime/engine.js';
import type { ExecuteResult } from '../runtime/runExecution.js';
import { pendingOfRun, type PendingDecision } from './waits.js';

/** A decision on an approval a run waits for. */
export interface DecisionRequest {
  decision: 'approve' | 'reject';
  /** Which approval; may be left out when the run waits for exactly one. */
  approvalId?: string | undefined;
  /** Who decides (recorded in ApprovalDecided). */
  by: string;
  /** A note with an approval; the reason of a rejection (the model reads it for a tool). */
  comment?: string | undefined;
  /** The approver's edited version of a step's output (approvals of workflow steps only). */
  output?: unknown;
  /** False: only record an approval (a worker or `resume` continues the run later). */
  continue?: boolean | undefined;
}

/** Where the run went on after a decision or a signal. */
export interface DecisionOutcome {
  runId: string;
  /** The approval or signal id answered. */
  id: string;
  /** `worker`: a worker of the store continues it; `here`: this process does (`done`); `no`: nobody yet. */
  continued: 'worker' | 'here' | 'no';
  /** The run's outcome when it continues here. */
  done?: Promise<ExecuteResult>;
}

/**
 * Record a decision on an approval a run waits for and let the run go on: on a worker of the
 * store when one is alive, else in `engine`'s process (unless `continue: false`). A run that does
 * not wait for that approval is a `NotWaitingError` (code `NOT_WAITING`) saying what it waits for;
 * an edited output for a tool approval is a `ValidationError` on `output`.
 * @example
 * ```ts
 * const { continued, done } = await recordDecision(engine, runId, { decision: 'approve', by: 'alice' });
 * if (continued === 'here') await done;
 * ```
 */
export async function recordDecision(engine: WorkflowEngine, runId: string, req: DecisionRequest): Promise<DecisionOutcome> {
  if (req.output !== undefined) {
    const approval = await pendingApproval(engine, runId, req.approvalId);
    if (approval?.kind === 'tool') throw new ValidationError(`approval ${approval.id} is of a tool call: only a step's output can be edited`, { path: 'output' });
  }
  const result: DecisionResult =
    req.decision === 'approve'
      ? await engine.approve(runId, {
          ...(req.approvalId !== undefined ? { approvalId: req.approvalId } : {}),
          by: req.by,
          ...(req.comment !== undefined ? { comment: req.comment } : {}),
          ...(req.output !== undefined ? { output: req.output } : {}),
          ...(req.continue === false ? { continue: false } : {}),
        })
      : await engine.reject(runId, {
          ...(req.approvalId !== undefined ? { approvalId: req.approvalId } : {}),
          by: req.by,
          reason: req.comment ?? `rejected by ${req.by}`,
          ...(req.continue === false ? { continue: false } : {}),
        });
  return outcomeOf(result);
}

/**
 * Send a signal a run waits for (`wait` steps); the payload is checked against the step's schema
 * (a `ValidationError` naming the field path, nothing recorded). Continues like {@link decide}.
 * @example
 * ```ts
 * await sendSignal(engine, runId, 'payment', { amount: 12 }, { by: 'billing' });
 * ```
 */
export async function sendSignal(engine: WorkflowEngine, runId: string, name: string, payload: unknown, options: { by: string }): Promise<DecisionOutcome> {
  return outcomeOf(await engine.signal(runId, name, payload, { by: options.by }));
}

function outcomeOf(result: DecisionResult): DecisionOutcome {
  return { runId: result.runId, id: result.id, continued: result.continued, ...(result.done ? { done: result.done } : {}) };
}

/** The approval a decision without an id (or with this id) is about, if the run waits for it. */
export async function pendingApproval(engine: WorkflowEngine, runId: string, approvalId: string | undefined): Promise<PendingDecision | undefined> {
  const approvals = (await pendingOfRun(engine.store, runId)).filter((p) => p.kind !== 'signal');
  if (approvalId !== undefined) return approvals.find((p) => p.id === approvalId);
  return approvals.length === 1 ? approvals[0] : undefined;
}

/**
 * The edited output of a step from the text of a file: JSON when the content to approve is not
 * text (a `ValidationError` on `path` when the file is no JSON), else the text itself (one final
 * newline dropped, as editors add it).
 * @example
 * ```ts
 * editedOutput('Shorter draft\n', 'Long draft'); // 'Shorter draft'
 * ```
 */
export function editedOutput(text: string, content: unknown, path = 'output'): unknown {
  if (typeof content === 'string' || content === undefined) return text.replace(/\r?\n$/, '');
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new ValidationError(`${path}: the content to approve is JSON, and the edited version is not valid JSON (${(err as Error).message})`, { path, cause: err });
  }
}
