/**
 * The run-state reducer: the one fold of a run's events. `status`, `status --at`, `replay --at`,
 * `engine.getWorkflowStatus`, `Context.fromEvents`, the projection runner, the server and the
 * browser's timeline all fold a run's stream with {@link evolve}, starting from
 * {@link initialRunState}. This file imports types and usage sums only (no zod, no
 * Node), so the browser gets it bundled as it is.
 */
import type { EventData } from '../events/catalogue.js';
import type { AigenEvent, RecordedEvent } from '../events/envelope.js';
import { addUsage, subtractUsage, zeroUsage } from '../events/usage.js';
import { foldWait, takeOver } from './waitFold.js';
import { ownerId, type ActorView, type RunState, type StepView } from './runStateTypes.js';

export * from './runStateTypes.js';

const PREVIEW = 200;

function preview(output: unknown): string {
  const text = typeof output === 'string' ? output : JSON.stringify(output);
  return text.length > PREVIEW ? `${text.slice(0, PREVIEW)}…` : text;
}

function ms(from: string, to: string): number {
  return Math.max(0, Date.parse(to) - Date.parse(from));
}

/**
 * The state of a run before any of its events: `pending`, nothing known.
 * @example
 * ```ts
 * const state = events.reduce(evolve, initialRunState());
 * ```
 */
export function initialRunState(): RunState {
  return {
    runId: '',
    workflow: '',
    kind: '',
    status: 'pending',
    worker: undefined,
    model: '',
    input: '',
    traceId: '',
    parentRunId: undefined,
    rootRunId: '',
    forkOf: undefined,
    forks: [],
    startedAt: '',
    endedAt: undefined,
    durationMs: undefined,
    activeMs: 0,
    lastActivityAt: '',
    states: {},
    actors: {},
    steps: [],
    handoffs: [],
    branch: undefined,
    childRuns: [],
    waitingFor: [],
    approvals: [],
    waits: [],
    output: undefined,
    partial: false,
    error: undefined,
    usage: zeroUsage(),
    modelUsage: {},
    lastPosition: -1,
    eventCount: 0,
  };
}

function started(s: RunState, e: RecordedEvent<'RunStarted', EventData<'RunStarted'>>): RunState {
  return {
    ...initialRunState(),
    runId: e.data.runId,
    workflow: e.data.workflow.name,
    kind: e.data.workflow.kind,
    status: e.data.queued ? 'queued' : 'running',
    worker: e.data.owner && !e.data.queued ? ownerId(e.data.owner) : undefined,
    model: e.data.model,
    input: e.data.input,
    traceId: e.data.traceId,
    parentRunId: e.data.parentRunId,
    rootRunId: e.metadata.rootRunId ?? e.data.runId,
    forkOf: e.data.forkOf,
    startedAt: e.metadata.recordedAt,
    lastActivityAt: e.metadata.recordedAt,
    lastPosition: e.streamPosition,
    eventCount: s.eventCount + 1,
  };
}

/** A shallow copy of a state: field by field, several times faster than a spread of this many fields (one per event). */
function copyState(s: RunState): RunState {
  return {
    runId: s.runId,
    workflow: s.workflow,
    kind: s.kind,
    status: s.status,
    worker: s.worker,
    model: s.model,
    input: s.input,
    traceId: s.traceId,
    parentRunId: s.parentRunId,
    rootRunId: s.rootRunId,
    forkOf: s.forkOf,
    forks: s.forks,
    startedAt: s.startedAt,
    endedAt: s.endedAt,
    durationMs: s.durationMs,
    activeMs: s.activeMs,
    lastActivityAt: s.lastActivityAt,
    states: s.states,
    actors: s.actors,
    steps: s.steps,
    handoffs: s.handoffs,
    branch: s.branch,
    childRuns: s.childRuns,
    waitingFor: s.waitingFor,
    approvals: s.approvals,
    waits: s.waits,
    output: s.output,
    partial: s.partial,
    error: s.error,
    usage: s.usage,
    modelUsage: s.modelUsage,
    lastPosition: s.lastPosition,
    eventCount: s.eventCount,
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

/** `actors` with actor `id` patched (created `idle` when new). */
function patchActor(actors: Readonly<Record<string, ActorView>>, id: string, patch: Partial<ActorView>): Record<string, ActorView> {
  const current = actors[id] ?? { machine: undefined, state: 'idle', task: undefined };
  return { ...actors, [id]: { ...current, ...patch } };
}

/**
 * The event types {@link evolve} reads. Every other type only advances `lastPosition` and
 * `eventCount`, so a reader of the status alone may read those events without their payload.
 */
export const STATUS_EVENT_TYPES: ReadonlySet<string> = new Set([
  'RunStarted', 'Transitioned', 'TaskSent', 'ModelResponded', 'StepCompleted', 'StepFailed', 'HandoffRequested', 'BranchTaken',
  'ChildRunStarted', 'ChildRunFinished', 'RunClaimed', 'RunResumed', 'RunReleased', 'ApprovalRequested',
  'SignalAwaited', 'TimerStarted', 'ApprovalDecided', 'SignalReceived', 'TimerFired', 'BranchParked', 'BranchAnswered',
  'RunCompleted', 'RunFailed', 'RunCancelled',
]);

/**
 * Apply one event of a run's stream to its state: a pure reducer that returns a new object and
 * never throws for a catalogue event. Events of types it does not know only advance the position.
 * @example
 * ```ts
 * let state = initialRunState();
 * for await (const e of store.readStream(`run-${runId}`)) state = evolve(state, e);
 * state.status; // 'completed'
 * ```
 */
export function evolve(s: RunState, event: RecordedEvent): RunState {
  const e = event as AigenEvent;
  if (e.type === 'RunStarted') return started(s, e);
  const at = e.metadata.recordedAt;
  const position = e.streamPosition;
  const next = copyState(s);
  next.lastPosition = position;
  next.eventCount = s.eventCount + 1;
  if (STATUS_EVENT_TYPES.has(e.type)) {
    // The time since the previous such event was active unless the run waited, sat queued, or
    // lay stalled until this claim or resume took it over.
    if ((s.status === 'running' || s.status === 'retrying') && e.type !== 'RunClaimed' && e.type !== 'RunResumed') {
      next.activeMs = s.activeMs + ms(s.lastActivityAt, at);
    }
    next.lastActivityAt = at;
  }
  switch (e.type) {
    case 'Transitioned':
      next.states = { ...s.states, [e.data.actorId]: e.data.to };
      next.actors = patchActor(s.actors, e.data.actorId, { state: e.data.to, ...(e.data.machine !== undefined ? { machine: e.data.machine } : {}) });
      break;
    case 'TaskSent': {
      const actorId = e.metadata.actorId;
      if (actorId !== undefined) next.actors = patchActor(s.actors, actorId, { task: { stepId: e.data.stepId, attempt: e.data.attempt, input: e.data.input } });
      const i = findStep(s.steps, e.data.stepId);
      if (i < 0) {
        next.steps = [
          ...s.steps,
          {
            stepId: e.data.stepId,
            agentId: e.data.agentId,
            actorId,
            status: 'running',
            attempts: e.data.attempt,
            startedAt: at,
            endedAt: undefined,
            durationMs: undefined,
            usage: zeroUsage(),
            output: undefined,
            outputPreview: undefined,
            error: undefined,
            position,
          },
        ];
      } else next.steps = patchStep(s.steps, i, { status: 'running', attempts: e.data.attempt, usage: zeroUsage(), position });
      if (s.status === 'retrying') next.status = 'running';
      break;
    }
    case 'ModelResponded': {
      const { model, response } = e.data;
      next.modelUsage = { ...s.modelUsage, [model]: addUsage(s.modelUsage[model] ?? zeroUsage(), response.usage) };
      // A running step's tokens count as soon as its model answers (a step waiting for an
      // approval has spent them too); its StepCompleted then gives the step's own total.
      const i = findStep(s.steps, e.data.stepId);
      if (i >= 0 && s.steps[i]!.status === 'running') {
        const u = e.data.response.usage;
        next.steps = patchStep(s.steps, i, { usage: addUsage(s.steps[i]!.usage, u) });
        next.usage = addUsage(s.usage, u);
      }
      break;
    }
    case 'StepCompleted': {
      const i = findStep(s.steps, e.data.stepId);
      if (i >= 0) {
        const from = s.steps[i]!.startedAt;
        next.steps = patchStep(s.steps, i, {
          status: 'completed',
          endedAt: at,
          durationMs: ms(from, at),
          usage: e.data.usage,
          output: e.data.output,
          outputPreview: preview(e.data.output),
          error: undefined,
          position,
        });
      }
      next.usage = addUsage(i >= 0 && s.steps[i]!.status === 'running' ? subtractUsage(s.usage, s.steps[i]!.usage) : s.usage, e.data.usage);
      break;
    }
    case 'StepFailed': {
      const i = findStep(s.steps, e.data.stepId);
      if (i >= 0) {
        const from = s.steps[i]!.startedAt;
        // A failed attempt's tokens are not the run's (its total counts completed steps only).
        if (s.steps[i]!.status === 'running') next.usage = subtractUsage(s.usage, s.steps[i]!.usage);
        next.steps = patchStep(s.steps, i, {
          status: e.data.willRetry ? 'retrying' : 'failed',
          error: e.data.error,
          position,
          ...(e.data.willRetry ? {} : { endedAt: at, durationMs: ms(from, at) }),
        });
      }
      if (e.data.willRetry && s.status === 'running') next.status = 'retrying';
      break;
    }
    case 'HandoffRequested':
      next.handoffs = [...s.handoffs, { stepId: e.data.stepId, from: e.data.from, to: e.data.to }];
      break;
    case 'BranchTaken':
      next.branch = { stepId: e.data.stepId, branch: e.data.branch, reason: e.data.reason };
      break;
    case 'ChildRunStarted':
      next.childRuns = [...s.childRuns, { childRunId: e.data.childRunId, branch: e.data.branch, status: 'running' }];
      break;
    case 'ChildRunFinished':
      next.childRuns = s.childRuns.map((c) => (c.childRunId === e.data.childRunId ? { ...c, status: e.data.status } : c));
      break;
    case 'RunClaimed':
      next.worker = e.data.workerId;
      if (s.status === 'queued' || s.status === 'pending') next.status = 'running';
      takeOver(next);
      break;
    case 'RunResumed':
      if (e.data.owner) next.worker = ownerId(e.data.owner);
      if (s.status === 'queued') next.status = 'running';
      takeOver(next);
      break;
    case 'RunReleased':
      next.worker = undefined;
      if (s.status === 'running' || s.status === 'retrying') next.status = 'queued';
      break;
    case 'ApprovalRequested':
    case 'SignalAwaited':
    case 'TimerStarted':
    case 'ApprovalDecided':
    case 'SignalReceived':
    case 'TimerFired':
    case 'BranchParked':
    case 'BranchAnswered':
      return foldWait(next, e);
    case 'RunCompleted':
      Object.assign(next, {
        status: e.data.partial ? 'partial' : 'completed',
        output: e.data.output,
        partial: e.data.partial,
        usage: e.data.usage,
        endedAt: at,
        durationMs: ms(s.startedAt, at),
        waitingFor: [],
      });
      break;
    case 'RunFailed':
      Object.assign(next, { status: 'failed', error: e.data.error, usage: e.data.usage, endedAt: at, durationMs: ms(s.startedAt, at), waitingFor: [] });
      break;
    case 'RunCancelled':
      Object.assign(next, {
        steps: s.steps.map((st) => (st.status === 'running' || st.status === 'retrying' ? { ...st, status: 'cancelled', endedAt: at, position } : st)),
        status: 'cancelled',
        error: { code: 'RUN_CANCELLED', message: e.data.reason },
        usage: e.data.usage,
        endedAt: at,
        durationMs: ms(s.startedAt, at),
        waitingFor: [],
      });
      break;
    default:
      break;
  }
  return next;
}

/**
 * Fold events (stream order) with {@link evolve}, up to stream position `position` (inclusive;
 * all when omitted).
 * @example
 * ```ts
 * foldRunState(events, 12).states.workflow; // 'writer'
 * ```
 */
export function foldRunState(events: Iterable<RecordedEvent>, position = Number.POSITIVE_INFINITY): RunState {
  let state = initialRunState();
  for (const e of events) {
    if (e.streamPosition > position) break;
    state = evolve(state, e);
  }
  return state;
}

/**
 * Each agent's outputs in the order the steps completed, as text (what `Context` holds).
 * @example
 * ```ts
 * completedOutputs(state); // [{ agentId: 'research', text: '…' }, …]
 * ```
 */
export function completedOutputs(state: RunState): Array<{ agentId: string; text: string }> {
  return state.steps
    .filter((step) => step.status === 'completed')
    .sort((a, b) => a.position - b.position)
    .map((step) => ({ agentId: step.agentId, text: typeof step.output === 'string' ? step.output : JSON.stringify(step.output) }));
}
