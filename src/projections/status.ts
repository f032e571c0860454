import type { EventData } from '../events/catalogue.js';
import { addUsage, zeroUsage, type ErrorInfo, type StateValue, type Usage } from '../events/common.js';
import type { AigenEvent, RecordedEvent } from '../events/envelope.js';

/** A run's lifecycle status. */
export type RunLifecycle = 'pending' | 'running' | 'retrying' | 'completed' | 'partial' | 'failed' | 'cancelled';

/** One agent step of a run. */
export interface StepView {
  stepId: string;
  agentId: string;
  actorId: string | undefined;
  status: 'running' | 'retrying' | 'completed' | 'failed';
  attempts: number;
  startedAt: string;
  endedAt: string | undefined;
  durationMs: number | undefined;
  usage: Usage;
  outputPreview: string | undefined;
  error: ErrorInfo | undefined;
}

/** The status view of one run. */
export interface RunStatus {
  runId: string;
  workflow: string;
  kind: string;
  status: RunLifecycle;
  model: string;
  input: string;
  traceId: string;
  parentRunId: string | undefined;
  /** The top-level run of this run's tree (itself for a top-level run). */
  rootRunId: string;
  forkOf: { runId: string; position: number } | undefined;
  /**
   * Runs forked from this one (`RunStarted.forkOf.runId` is this run), by fork position. They live
   * in other streams, so a fold of this run's stream alone leaves the list empty; the projection
   * runner and `statusAt` fill it in.
   */
  forks: Array<{ runId: string; position: number }>;
  startedAt: string;
  endedAt: string | undefined;
  durationMs: number | undefined;
  /** Current state value of the workflow actor and of every agent actor, by actor id. */
  states: Record<string, StateValue>;
  steps: StepView[];
  handoffs: Array<{ stepId: string; from: string; to: string }>;
  branch: { stepId: string; branch: string; reason: string } | undefined;
  childRuns: Array<{ childRunId: string; branch: string; status: string }>;
  output: unknown;
  partial: boolean;
  error: ErrorInfo | undefined;
  usage: Usage;
  /** Stream position of the last folded event. */
  lastPosition: number;
  /** How many events were folded: equals `lastPosition + 1` unless an event was skipped as unreadable. */
  eventCount: number;
}

const PREVIEW = 200;

function preview(output: unknown): string {
  const text = typeof output === 'string' ? output : JSON.stringify(output);
  return text.length > PREVIEW ? `${text.slice(0, PREVIEW)}…` : text;
}

function ms(from: string, to: string): number {
  return Math.max(0, Date.parse(to) - Date.parse(from));
}

/** Initial status from a run's RunStarted event. */
export function initialStatus(e: RecordedEvent<'RunStarted', EventData<'RunStarted'>>): RunStatus {
  return {
    runId: e.data.runId,
    workflow: e.data.workflow.name,
    kind: e.data.workflow.kind,
    status: 'running',
    model: e.data.model,
    input: e.data.input,
    traceId: e.data.traceId,
    parentRunId: e.data.parentRunId,
    rootRunId: e.metadata.rootRunId ?? e.data.runId,
    forkOf: e.data.forkOf,
    forks: [],
    startedAt: e.metadata.recordedAt,
    endedAt: undefined,
    durationMs: undefined,
    states: {},
    steps: [],
    handoffs: [],
    branch: undefined,
    childRuns: [],
    output: undefined,
    partial: false,
    error: undefined,
    usage: zeroUsage(),
    lastPosition: e.streamPosition,
    eventCount: 1,
  };
}

/** Index of a step (the most recent steps are the likeliest). */
function findStep(steps: readonly StepView[], stepId: string): number {
  for (let i = steps.length - 1; i >= 0; i--) if (steps[i]!.stepId === stepId) return i;
  return -1;
}

/** `steps` with step `i` patched (a new array). */
function patchStep(steps: readonly StepView[], i: number, patch: Partial<StepView>): StepView[] {
  const out = steps.slice();
  out[i] = { ...steps[i]!, ...patch };
  return out;
}

/** Apply one event of the run's stream to its status (a pure reducer; returns a new object). */
export function applyStatus(s: RunStatus, event: AigenEvent): RunStatus {
  const at = event.metadata.recordedAt;
  const next: RunStatus = { ...s, lastPosition: event.streamPosition, eventCount: s.eventCount + 1 };
  switch (event.type) {
    case 'Transitioned':
      next.states = { ...s.states, [event.data.actorId]: event.data.to };
      break;
    case 'TaskSent': {
      const i = findStep(s.steps, event.data.stepId);
      if (i < 0) {
        next.steps = [
          ...s.steps,
          {
            stepId: event.data.stepId,
            agentId: event.data.agentId,
            actorId: event.metadata.actorId,
            status: 'running',
            attempts: event.data.attempt,
            startedAt: at,
            endedAt: undefined,
            durationMs: undefined,
            usage: zeroUsage(),
            outputPreview: undefined,
            error: undefined,
          },
        ];
      } else next.steps = patchStep(s.steps, i, { status: 'running', attempts: event.data.attempt });
      if (s.status === 'retrying') next.status = 'running';
      break;
    }
    case 'StepCompleted': {
      const i = findStep(s.steps, event.data.stepId);
      if (i >= 0) {
        const started = next.steps[i]!.startedAt;
        next.steps = patchStep(s.steps, i, { status: 'completed', endedAt: at, durationMs: ms(started, at), usage: event.data.usage, outputPreview: preview(event.data.output), error: undefined });
      }
      next.usage = addUsage(s.usage, event.data.usage);
      break;
    }
    case 'StepFailed': {
      const i = findStep(s.steps, event.data.stepId);
      if (i >= 0) {
        const started = next.steps[i]!.startedAt;
        next.steps = patchStep(s.steps, i, {
          status: event.data.willRetry ? 'retrying' : 'failed',
          error: event.data.error,
          ...(event.data.willRetry ? {} : { endedAt: at, durationMs: ms(started, at) }),
        });
      }
      if (event.data.willRetry && s.status === 'running') next.status = 'retrying';
      break;
    }
    case 'HandoffRequested':
      next.handoffs = [...s.handoffs, { stepId: event.data.stepId, from: event.data.from, to: event.data.to }];
      break;
    case 'BranchTaken':
      next.branch = { ...event.data };
      break;
    case 'ChildRunStarted':
      next.childRuns = [...s.childRuns, { childRunId: event.data.childRunId, branch: event.data.branch, status: 'running' }];
      break;
    case 'ChildRunFinished':
      next.childRuns = s.childRuns.map((c) => (c.childRunId === event.data.childRunId ? { ...c, status: event.data.status } : c));
      break;
    case 'RunCompleted':
      Object.assign(next, { status: event.data.partial ? 'partial' : 'completed', output: event.data.output, partial: event.data.partial, usage: event.data.usage, endedAt: at, durationMs: event.data.durationMs });
      break;
    case 'RunFailed':
      Object.assign(next, { status: 'failed', error: event.data.error, usage: event.data.usage, endedAt: at, durationMs: event.data.durationMs });
      break;
    case 'RunCancelled':
      Object.assign(next, {
        status: 'cancelled',
        error: { code: 'RUN_CANCELLED', message: event.data.reason },
        usage: event.data.usage,
        endedAt: at,
        durationMs: event.data.durationMs,
      });
      break;
    default:
      break;
  }
  return next;
}

/**
 * Fold a run's events (in stream order) into its status view.
 * @example
 * ```ts
 * const events = []; for await (const e of store.readStream('run-' + runId)) events.push(e);
 * foldRunStatus(events).status; // 'completed'
 * ```
 */
export function foldRunStatus(events: readonly RecordedEvent[]): RunStatus {
  const [first, ...rest] = events as readonly AigenEvent[];
  if (!first || first.type !== 'RunStarted') throw new Error('a run stream must start with RunStarted');
  return rest.reduce(applyStatus, initialStatus(first));
}
