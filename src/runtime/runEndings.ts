import type { StepOutcome } from '../actors/outcome.js';
import type { ErrorInfo, Usage } from '../events/common.js';
import { toErrorInfo } from '../journal/errorInfo.js';
import type { Recorder } from '../journal/recorder.js';
import { toJson } from '../journal/recordingModel.js';
import { ReplayDivergenceError, ReplayRecorder } from '../journal/replayRecorder.js';
import type { ParkedWait } from '../journal/waits.js';
import { ConcurrencyError } from '../store/errors.js';
import type { ExecuteResult, RunStatusValue } from './runTypes.js';

/** How a workflow ended, as its actor reports it to the run's lifecycle. */
export type WorkflowEnd = { type: 'WORKFLOW_DONE'; outcome: StepOutcome } | { type: 'WORKFLOW_CRASHED'; error: unknown };

/** Why a run stopped before its workflow ended. */
export type Stop =
  | { kind: 'cancel' | 'cancelledInLog' | 'abandon' | 'park'; reason: string }
  | { kind: 'release'; reason: string; workerId: string };

/**
 * What a run's lifecycle does to the world, given per run by `executeRun`: the machine decides
 * when, these do it.
 */
export interface RunEffects {
  /** Where the run's events go. Its `error` is read anew at each decision: it changes across awaits. */
  recorder: Recorder;
  /** Resolves once RunStarted is durable (its append is issued with the run, before anything else). */
  started: Promise<void>;
  /** Start the workflow machine under the run's SDK trace; `report` gets its end; the returned function stops it. */
  runWorkflow(report: (end: WorkflowEnd) => void): () => void;
  /** Resolves once no live tool call of the run is in flight. */
  settled(): Promise<void>;
  /** The reason of a RunCancelled at the end of the run's stream (written by another process), if any. */
  cancellationInLog(): Promise<string | undefined>;
  now(): number;
}

/** A run's branch (a child run of a parallel workflow): it goes with its run when the run is handed over. */
export interface BranchRun {
  abandon(reason: string): void;
}

/** The lifecycle's context: what the closure of a run used to keep in mutable variables. */
export interface RunLifecycleContext {
  effects: RunEffects;
  runId: string;
  workflow: string;
  /** Submitted only: a worker executes it. */
  queued: boolean;
  startedAt: number;
  usage: Usage;
  /** Branches in flight: they stop with the run, writing nothing, when it is handed over. */
  branches: ReadonlySet<BranchRun>;
  /** What the run waits for once it parks. */
  parked: ParkedWait[];
  /** The first stop asked for (later ones are ignored). */
  stop: Stop | undefined;
  /** The workflow's outcome, once it ended. */
  outcome: StepOutcome | undefined;
  /** The workflow actor's error, when it crashed. */
  crash: { error: unknown } | undefined;
  /** What `done` resolves with, once the run ended. */
  result: ExecuteResult | undefined;
}

/** The run's result with `status`, from the lifecycle's context at this moment. */
export function resultOf(c: RunLifecycleContext, status: RunStatusValue, outcome: Partial<StepOutcome> = {}, error?: ErrorInfo): ExecuteResult {
  return {
    workflowId: c.runId,
    runId: c.runId,
    workflow: c.workflow,
    status,
    result: outcome.output ?? outcome.text ?? null,
    partial: status === 'partial',
    ...(error ? { error } : {}),
    usage: c.usage,
    durationMs: Math.max(0, c.effects.now() - c.startedAt),
  };
}

/** A cancelled run's error. */
export const cancelledError = (reason: string): ErrorInfo => ({ code: 'RUN_CANCELLED', message: reason });

/** Whether another process's write to the run's stream stopped the recorder. */
const fenced = (recorder: Recorder): boolean => recorder.error instanceof ConcurrencyError;

/*
 * Each ending records what it ends with and resolves with the run's result: `cancelled` when the
 * write was refused because another process had appended a RunCancelled (nothing more is written).
 */

/**
 * Record RunCompleted; the run's last buffered events go in its commit. Refused because another
 * process appended a RunCancelled: the run ends cancelled.
 */
export async function recordCompleted(c: RunLifecycleContext): Promise<ExecuteResult> {
  const outcome: Partial<StepOutcome> = c.outcome ?? {};
  const r = resultOf(c, outcome.partial ? 'partial' : 'completed', outcome, outcome.error);
  const { recorder } = c.effects;
  try {
    await recorder.durable('RunCompleted', { output: r.result ?? null, partial: r.partial, usage: r.usage, durationMs: r.durationMs });
  } catch (err) {
    const reason = fenced(recorder) ? await c.effects.cancellationInLog() : undefined;
    if (reason !== undefined) return resultOf(c, 'cancelled', {}, cancelledError(reason));
    throw err;
  }
  return r;
}

/** Record the RunCancelled this process was asked for; another RunCancelled at the same moment wins. */
export async function recordCancelled(c: RunLifecycleContext): Promise<ExecuteResult> {
  const reason = c.stop?.reason ?? 'cancelled';
  const r = resultOf(c, 'cancelled', {}, cancelledError(reason));
  try {
    await c.effects.recorder.durable('RunCancelled', { reason, usage: r.usage, durationMs: r.durationMs });
  } catch (err) {
    if ((await c.effects.cancellationInLog()) === undefined) throw err;
  }
  return r;
}

/** Record RunReleased (a draining worker gives the run back); a refusal changes nothing: the run is someone else's already. */
export async function recordReleased(c: RunLifecycleContext): Promise<ExecuteResult> {
  const stop = c.stop?.kind === 'release' ? c.stop : { workerId: '', reason: 'released' };
  const r = resultOf(c, 'failed', {}, { code: 'RUN_RELEASED', message: stop.reason });
  await c.effects.recorder.durable('RunReleased', { workerId: stop.workerId, reason: stop.reason }).catch(() => undefined);
  return r;
}

/**
 * End a run whose workflow failed, crashed, or whose recorder broke. Fenced by another process's
 * RunCancelled: cancelled. A broken recorder writes nothing more, except the RunFailed of a
 * re-execution that diverged from its log (written after the log: the run ends with why).
 */
export async function recordFailed(c: RunLifecycleContext): Promise<ExecuteResult> {
  const { recorder } = c.effects;
  if (fenced(recorder)) {
    const reason = await c.effects.cancellationInLog();
    if (reason !== undefined) return resultOf(c, 'cancelled', {}, cancelledError(reason));
  }
  if (c.crash || recorder.error) {
    const error = toErrorInfo(recorder.error ?? c.crash?.error);
    const r = resultOf(c, 'failed', {}, error);
    if (!recorder.error) await recorder.durable('RunFailed', { error, usage: r.usage, durationMs: r.durationMs });
    else if (recorder.error instanceof ReplayDivergenceError && recorder instanceof ReplayRecorder) {
      const { position, recorded, produced, diff } = recorder.error.divergence;
      await recorder.recordAfterDivergence({ error, usage: r.usage, durationMs: r.durationMs, divergence: toJson({ position, recorded, produced, diff }) });
    }
    return r;
  }
  const outcome: Partial<StepOutcome> = c.outcome ?? {};
  const error = outcome.error ?? { code: 'WORKFLOW_FAILED', message: 'workflow failed' };
  const r = resultOf(c, 'failed', outcome, error);
  await recorder.durable('RunFailed', { error, usage: r.usage, durationMs: r.durationMs });
  return r;
}
