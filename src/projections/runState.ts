/**
 * The run-state reducer: the one fold of a run's events. `status`, `status --at`, `replay --at`,
 * `engine.getWorkflowStatus`, `Context.fromEvents`, the projection runner, the server and the
 * browser's timeline all fold a run's stream with {@link evolve}, starting from
 * {@link initialRunState}. This file imports types and usage sums only (no zod, no
 * Node), so the browser gets it bundled as it is.
 */
import type { EventData, EventType } from '../events/catalogue.js';
import type { AigenEvent, RecordedEvent } from '../events/envelope.js';
import { defineProjection, project, type EventOf } from '../events/projection.js';
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

type Ev<K extends EventType> = EventOf<K>;

/** The time a run spent active between two events it reads: none while it waited, sat queued or lay stalled. */
function advance(s: RunState, e: AigenEvent, reads: boolean): RunState {
  if (e.type === 'RunStarted') return s;
  const next = copyState(s);
  next.lastPosition = e.streamPosition;
  next.eventCount = s.eventCount + 1;
  if (reads) {
    const at = e.metadata.recordedAt;
    // A claim or resume takes over a run that lay stalled: that time was not active.
    if ((s.status === 'running' || s.status === 'retrying') && e.type !== 'RunClaimed' && e.type !== 'RunResumed') {
      next.activeMs = s.activeMs + ms(s.lastActivityAt, at);
    }
    next.lastActivityAt = at;
  }
  return next;
}

function taskSent(next: RunState, e: Ev<'TaskSent'>): RunState {
  const at = e.metadata.recordedAt;
  const position = e.streamPosition;
  const actorId = e.metadata.actorId;
  if (actorId !== undefined) next.actors = patchActor(next.actors, actorId, { task: { stepId: e.data.stepId, attempt: e.data.attempt, input: e.data.input } });
  const i = findStep(next.steps, e.data.stepId);
  if (i < 0) {
    next.steps = [
      ...next.steps,
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
  } else next.steps = patchStep(next.steps, i, { status: 'running', attempts: e.data.attempt, usage: zeroUsage(), position });
  if (next.status === 'retrying') next.status = 'running';
  return next;
}

function modelResponded(next: RunState, e: Ev<'ModelResponded'>): RunState {
  const { model, response } = e.data;
  next.modelUsage = { ...next.modelUsage, [model]: addUsage(next.modelUsage[model] ?? zeroUsage(), response.usage) };
  // A running step's tokens count as soon as its model answers (a step waiting for an
  // approval has spent them too); its StepCompleted then gives the step's own total.
  const i = findStep(next.steps, e.data.stepId);
  if (i >= 0 && next.steps[i]!.status === 'running') {
    const u = response.usage;
    next.steps = patchStep(next.steps, i, { usage: addUsage(next.steps[i]!.usage, u) });
    next.usage = addUsage(next.usage, u);
  }
  return next;
}

function stepCompleted(next: RunState, e: Ev<'StepCompleted'>): RunState {
  const at = e.metadata.recordedAt;
  const i = findStep(next.steps, e.data.stepId);
  const step = i >= 0 ? next.steps[i]! : undefined;
  next.usage = addUsage(step?.status === 'running' ? subtractUsage(next.usage, step.usage) : next.usage, e.data.usage);
  if (step) {
    next.steps = patchStep(next.steps, i, {
      status: 'completed',
      endedAt: at,
      durationMs: ms(step.startedAt, at),
      usage: e.data.usage,
      output: e.data.output,
      outputPreview: preview(e.data.output),
      error: undefined,
      position: e.streamPosition,
    });
  }
  return next;
}

function stepFailed(next: RunState, e: Ev<'StepFailed'>): RunState {
  const at = e.metadata.recordedAt;
  const i = findStep(next.steps, e.data.stepId);
  const step = i >= 0 ? next.steps[i]! : undefined;
  if (step) {
    // A failed attempt's tokens are not the run's (its total counts completed steps only).
    if (step.status === 'running') next.usage = subtractUsage(next.usage, step.usage);
    next.steps = patchStep(next.steps, i, {
      status: e.data.willRetry ? 'retrying' : 'failed',
      error: e.data.error,
      position: e.streamPosition,
      ...(e.data.willRetry ? {} : { endedAt: at, durationMs: ms(step.startedAt, at) }),
    });
  }
  if (e.data.willRetry && next.status === 'running') next.status = 'retrying';
  return next;
}

/** The run ended: its status, outcome and duration; it waits for nothing any more. */
function ended(next: RunState, e: AigenEvent, end: Partial<RunState>): RunState {
  const at = e.metadata.recordedAt;
  return Object.assign(next, { ...end, endedAt: at, durationMs: ms(next.startedAt, at), waitingFor: [] });
}

/**
 * The run-state projection: one handler per event type the run's state reads. Its bookkeeping
 * (`every`) copies the state for each event and advances its position, count and active time;
 * each handler then fills in that copy, so the state passed in is never changed. Events of
 * other types (and unknown ones) only advance the position.
 */
export const runStateProjection = defineProjection<RunState>()({
  name: 'run state',
  reads: [
    'RunStarted', 'Transitioned', 'TaskSent', 'ModelResponded', 'StepCompleted', 'StepFailed', 'HandoffRequested', 'BranchTaken',
    'ChildRunStarted', 'ChildRunFinished', 'RunClaimed', 'RunResumed', 'RunReleased', 'ApprovalRequested',
    'SignalAwaited', 'TimerStarted', 'ApprovalDecided', 'SignalReceived', 'TimerFired', 'BranchParked', 'BranchAnswered',
    'RunCompleted', 'RunFailed', 'RunCancelled',
  ],
  every: advance,
  on: {
    RunStarted: started,
    Transitioned: (next, e) => {
      next.states = { ...next.states, [e.data.actorId]: e.data.to };
      next.actors = patchActor(next.actors, e.data.actorId, { state: e.data.to, ...(e.data.machine !== undefined ? { machine: e.data.machine } : {}) });
      return next;
    },
    TaskSent: taskSent,
    ModelResponded: modelResponded,
    StepCompleted: stepCompleted,
    StepFailed: stepFailed,
    HandoffRequested: (next, e) => {
      next.handoffs = [...next.handoffs, { stepId: e.data.stepId, from: e.data.from, to: e.data.to }];
      return next;
    },
    BranchTaken: (next, e) => {
      next.branch = { stepId: e.data.stepId, branch: e.data.branch, reason: e.data.reason };
      return next;
    },
    ChildRunStarted: (next, e) => {
      next.childRuns = [...next.childRuns, { childRunId: e.data.childRunId, branch: e.data.branch, status: 'running' }];
      return next;
    },
    ChildRunFinished: (next, e) => {
      next.childRuns = next.childRuns.map((c) => (c.childRunId === e.data.childRunId ? { ...c, status: e.data.status } : c));
      return next;
    },
    RunClaimed: (next, e) => {
      next.worker = e.data.workerId;
      if (next.status === 'queued' || next.status === 'pending') next.status = 'running';
      takeOver(next);
      return next;
    },
    RunResumed: (next, e) => {
      if (e.data.owner) next.worker = ownerId(e.data.owner);
      if (next.status === 'queued') next.status = 'running';
      takeOver(next);
      return next;
    },
    RunReleased: (next) => {
      next.worker = undefined;
      if (next.status === 'running' || next.status === 'retrying') next.status = 'queued';
      return next;
    },
    ApprovalRequested: foldWait,
    SignalAwaited: foldWait,
    TimerStarted: foldWait,
    ApprovalDecided: foldWait,
    SignalReceived: foldWait,
    TimerFired: foldWait,
    BranchParked: foldWait,
    BranchAnswered: foldWait,
    RunCompleted: (next, e) =>
      ended(next, e, { status: e.data.partial ? 'partial' : 'completed', output: e.data.output, partial: e.data.partial, usage: e.data.usage }),
    RunFailed: (next, e) => ended(next, e, { status: 'failed', error: e.data.error, usage: e.data.usage }),
    RunCancelled: (next, e) =>
      ended(next, e, {
        steps: next.steps.map((st) =>
          st.status === 'running' || st.status === 'retrying' ? { ...st, status: 'cancelled', endedAt: e.metadata.recordedAt, position: e.streamPosition } : st,
        ),
        status: 'cancelled',
        error: { code: 'RUN_CANCELLED', message: e.data.reason },
        usage: e.data.usage,
      }),
  },
});

/**
 * The event types {@link evolve} reads. Every other type only advances `lastPosition` and
 * `eventCount`, so a reader of the status alone may read those events without their payload.
 */
export const STATUS_EVENT_TYPES: ReadonlySet<string> = new Set(runStateProjection.reads);

/**
 * Apply one event of a run's stream to its state ({@link runStateProjection}): a pure reducer
 * that returns a new object and never throws for a catalogue event. Events of types it does not
 * know only advance the position.
 * @example
 * ```ts
 * let state = initialRunState();
 * for await (const e of store.readStream(`run-${runId}`)) state = evolve(state, e);
 * state.status; // 'completed'
 * ```
 */
export function evolve(s: RunState, event: RecordedEvent): RunState {
  return project(runStateProjection, s, event as AigenEvent);
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
