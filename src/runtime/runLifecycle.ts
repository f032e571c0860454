import { and, assign, fromCallback, fromPromise, setup, type SnapshotFrom } from 'xstate';
import type { StepOutcome } from '../actors/outcome.js';
import type { Usage } from '../events/common.js';
import { addUsage, zeroUsage } from '../events/usage.js';
import { toErrorInfo } from '../journal/errorInfo.js';
import type { Recorder } from '../journal/recorder.js';
import type { ParkedWait } from '../journal/waits.js';
import {
  cancelledError,
  recordCancelled,
  recordCompleted,
  recordFailed,
  recordReleased,
  resultOf,
  type BranchRun,
  type RunEffects,
  type RunLifecycleContext,
  type Stop,
  type WorkflowEnd,
} from './runEndings.js';
import type { ExecuteResult, RunStatusValue } from './runTypes.js';

export type { BranchRun, RunEffects, RunLifecycleContext, Stop, WorkflowEnd } from './runEndings.js';

/** What a run's lifecycle is started with. */
export interface RunLifecycleInput {
  effects: RunEffects;
  runId: string;
  workflow: string;
  /** Submitted only: record RunStarted and end `queued` (a worker executes the run). */
  queued: boolean;
}

/** What the run's handle, its workflow's services and its steps tell the lifecycle. */
export type RunLifecycleEvent =
  /** Stop and record RunCancelled (`handle.cancel`). */
  | { type: 'CANCEL'; reason: string }
  /** Another process recorded RunCancelled: stop, append nothing more. */
  | { type: 'CANCELLED_IN_LOG'; reason: string }
  /** This process lost the run's lease: stop, write nothing more. */
  | { type: 'ABANDON'; reason: string }
  /** A draining worker gives the run back: stop, record RunReleased. */
  | { type: 'RELEASE'; workerId: string; reason: string }
  /** A wait's request is durable and nothing answers it: the run parks. */
  | { type: 'PARK'; wait: ParkedWait }
  /** A step or a branch used the model. */
  | { type: 'USAGE'; usage: Usage }
  | { type: 'BRANCH_STARTED'; branch: BranchRun }
  | { type: 'BRANCH_ENDED'; branch: BranchRun }
  | WorkflowEnd;

/** The next turn of the event loop: the other waits of the same moment (parallel tool calls) are recorded by then. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The typed setup of a run's lifecycle. Its actors are the lifecycle's I/O: each takes the
 * run's {@link RunEffects} (or its whole context) as input, so one machine serves every run.
 */
export const runLifecycleSetup = setup({
  types: {
    context: {} as RunLifecycleContext,
    input: {} as RunLifecycleInput,
    events: {} as RunLifecycleEvent,
    output: {} as ExecuteResult | null,
  },
  actors: {
    /** RunStarted becomes durable. */
    recordStart: fromPromise<void, RunEffects>(({ input }) => input.started),
    /** The workflow machine, under the run's SDK trace; stopping this actor stops it. */
    workflow: fromCallback<RunLifecycleEvent, RunEffects>(({ sendBack, input }) => input.runWorkflow(sendBack)),
    /** Parked: the live tool calls in flight record their results first (they never run again). */
    settle: fromPromise<void, RunEffects>(async ({ input }) => {
      await nextTurn();
      await input.settled();
    }),
    /** Write what the recorder buffered; a refusal leaves the recorder broken (read by the next decision). */
    flush: fromPromise<void, Recorder>(({ input }) => input.flush().catch(() => undefined)),
    recordCompleted: fromPromise<ExecuteResult, RunLifecycleContext>(({ input }) => recordCompleted(input)),
    recordCancelled: fromPromise<ExecuteResult, RunLifecycleContext>(({ input }) => recordCancelled(input)),
    recordReleased: fromPromise<ExecuteResult, RunLifecycleContext>(({ input }) => recordReleased(input)),
    recordFailed: fromPromise<ExecuteResult, RunLifecycleContext>(({ input }) => recordFailed(input)),
  },
  guards: {
    /** Submitted only. */
    queued: ({ context }) => context.queued,
    /** A stop was asked for while RunStarted was being written. */
    stopAsked: ({ context }) => context.stop !== undefined,
    /** The workflow succeeded and everything it recorded could be written so far. */
    completes: ({ context }, outcome: StepOutcome) => outcome.ok && context.effects.recorder.error === undefined,
    /** The run stopped for `kind`. */
    stoppedBy: ({ context }, kind: Stop['kind']) => context.stop?.kind === kind,
    /** An append was refused: the recorder writes nothing more. */
    recorderBroken: ({ context }) => context.effects.recorder.error !== undefined,
    /** An ending's write resolved with `status` (`cancelled`: another process's RunCancelled came first). */
    endedAs: (_, p: { result: ExecuteResult; status: RunStatusValue }) => p.result.status === p.status,
  },
  actions: {
    /** Keep the first stop asked for. */
    keepStop: assign(({ context }, stop: Stop) => ({ stop: context.stop ?? stop })),
    /** Branches go with their run: whoever continues it resumes them from their logs. */
    abandonBranches: ({ context }, reason: string) => {
      for (const branch of context.branches) branch.abandon(reason);
    },
    keepWait: assign(({ context }, wait: ParkedWait) => ({ parked: [...context.parked, wait] })),
    addUsage: assign(({ context }, usage: Usage) => ({ usage: addUsage(context.usage, usage) })),
    addBranch: assign(({ context }, branch: BranchRun) => ({ branches: new Set([...context.branches, branch]) })),
    dropBranch: assign(({ context }, branch: BranchRun) => ({ branches: new Set([...context.branches].filter((b) => b !== branch)) })),
    keepOutcome: assign((_, outcome: StepOutcome) => ({ outcome })),
    keepCrash: assign((_, crash: { error: unknown }) => ({ crash })),
    /** What `done` resolves with. */
    end: assign((_, result: ExecuteResult) => ({ result })),
  },
});

type ReasonArgs = { event: { reason: string } };
const keepStop = (kind: 'cancel' | 'cancelledInLog' | 'abandon') => ({ type: 'keepStop', params: ({ event }: ReasonArgs): Stop => ({ kind, reason: event.reason }) }) as const;
const keepRelease = { type: 'keepStop', params: ({ event }: { event: { reason: string; workerId: string } }): Stop => ({ kind: 'release', reason: event.reason, workerId: event.workerId }) } as const;
const abandonBranches = { type: 'abandonBranches', params: ({ event }: ReasonArgs) => event.reason } as const;

/**
 * The stop events: kept while RunStarted is written (`target` undefined), acted upon while the
 * workflow runs. A hand-over (abandon, release) takes the branches along.
 */
const stopEvents = (target: 'stopping' | undefined) => ({
  CANCEL: { target, actions: [keepStop('cancel')] },
  CANCELLED_IN_LOG: { target, actions: [keepStop('cancelledInLog')] },
  ABANDON: { target, actions: [keepStop('abandon'), abandonBranches] },
  RELEASE: { target, actions: [keepRelease, abandonBranches] },
});

type EndedArgs = { event: { output: ExecuteResult } };
/** Keep an ending's result for `done`. */
const endWith = { type: 'end', params: ({ event }: EndedArgs) => event.output } as const;
/** The ending's write resolved with `status` (`cancelled`: another process's RunCancelled came first). */
const endedAs = (status: RunStatusValue) => ({ type: 'endedAs', params: ({ event }: EndedArgs) => ({ result: event.output, status }) }) as const;
const cancelledFirst = { guard: endedAs('cancelled'), target: 'cancelled', actions: endWith } as const;

/** An ending's write threw: the run fails with the recorder's error, else the thrown one. */
const failedWrite = {
  target: 'failed',
  actions: { type: 'end', params: ({ context, event }: { context: RunLifecycleContext; event: { error: unknown } }) => resultOf(context, 'failed', {}, toErrorInfo(context.effects.recorder.error ?? event.error)) },
} as const;

const final = { type: 'final' } as const;

/**
 * A run's lifecycle: record RunStarted, run the workflow machine under the run's trace, then end
 * it: park it when it waits, hand it over (abandon, release), or record its terminal event.
 * `docs/architecture.md` ("Run lifecycle") draws it.
 */
export const runLifecycle = runLifecycleSetup.createMachine({
  id: 'run',
  initial: 'starting',
  context: ({ input }) => ({
    effects: input.effects,
    runId: input.runId,
    workflow: input.workflow,
    queued: input.queued,
    startedAt: input.effects.now(),
    usage: zeroUsage(),
    branches: new Set(),
    parked: [],
    stop: undefined,
    outcome: undefined,
    crash: undefined,
    result: undefined,
  }),
  on: {
    USAGE: { actions: { type: 'addUsage', params: ({ event }) => event.usage } },
    BRANCH_STARTED: { actions: { type: 'addBranch', params: ({ event }) => event.branch } },
    BRANCH_ENDED: { actions: { type: 'dropBranch', params: ({ event }) => event.branch } },
    PARK: { actions: { type: 'keepWait', params: ({ event }) => event.wait } },
  },
  states: {
    /** RunStarted is being written; a stop asked for meanwhile is acted upon once it is durable. */
    starting: {
      invoke: {
        src: 'recordStart',
        input: ({ context }) => context.effects,
        onDone: [{ guard: 'queued', target: 'queued' }, { guard: 'stopAsked', target: 'stopping' }, { target: 'running' }],
        onError: {
          target: 'failed',
          actions: { type: 'end', params: ({ context, event }) => resultOf(context, 'failed', {}, toErrorInfo(event.error)) },
        },
      },
      on: stopEvents(undefined),
    },
    /** The workflow machine runs (its actor stops when the run leaves this state). */
    running: {
      invoke: { src: 'workflow', input: ({ context }) => context.effects },
      initial: 'working',
      states: {
        working: {
          on: { PARK: { target: 'parked', actions: { type: 'keepWait', params: ({ event }) => event.wait } } },
        },
        /** A wait parked the run: it stops on the next turn, once the live tool calls in flight are done. */
        parked: {
          invoke: {
            src: 'settle',
            input: ({ context }) => context.effects,
            onDone: {
              target: '#run.stopping',
              actions: [
                { type: 'keepStop', params: { kind: 'park', reason: 'waiting' } },
                { type: 'abandonBranches', params: 'waiting' },
              ],
            },
          },
        },
      },
      on: {
        WORKFLOW_DONE: [
          { guard: { type: 'completes', params: ({ event }) => event.outcome }, target: 'completing', actions: { type: 'keepOutcome', params: ({ event }) => event.outcome } },
          { target: 'stopping', actions: { type: 'keepOutcome', params: ({ event }) => event.outcome } },
        ],
        WORKFLOW_CRASHED: { target: 'stopping', actions: { type: 'keepCrash', params: ({ event }) => ({ error: event.error }) } },
        ...stopEvents('stopping'),
      },
    },
    /** The workflow stopped or failed: write what it buffered, then end as the stop (or the failure) says. */
    stopping: {
      invoke: {
        src: 'flush',
        input: ({ context }) => context.effects.recorder,
        onDone: [
          { guard: { type: 'stoppedBy', params: 'park' }, target: 'waiting', actions: { type: 'end', params: ({ context }) => ({ ...resultOf(context, 'waiting'), waitingFor: context.parked.slice() }) } },
          { guard: { type: 'stoppedBy', params: 'abandon' }, target: 'abandoned', actions: { type: 'end', params: ({ context }) => resultOf(context, 'failed', {}, { code: 'LEASE_LOST', message: context.stop?.reason ?? '' }) } },
          // A fenced recorder writes nothing: the run is someone else's already.
          { guard: and([{ type: 'stoppedBy', params: 'release' as const }, 'recorderBroken']), target: 'released', actions: { type: 'end', params: ({ context }) => resultOf(context, 'failed', {}, { code: 'RUN_RELEASED', message: context.stop?.reason ?? '' }) } },
          { guard: { type: 'stoppedBy', params: 'release' }, target: 'releasing' },
          { guard: { type: 'stoppedBy', params: 'cancelledInLog' }, target: 'cancelled', actions: { type: 'end', params: ({ context }) => resultOf(context, 'cancelled', {}, cancelledError(context.stop?.reason ?? '')) } },
          { guard: { type: 'stoppedBy', params: 'cancel' }, target: 'cancelling' },
          { target: 'failing' },
        ],
      },
    },
    /** Record RunCompleted (with the last buffered events in its commit). */
    completing: {
      invoke: {
        src: 'recordCompleted',
        input: ({ context }) => context,
        onDone: [cancelledFirst, { guard: endedAs('partial'), target: 'partial', actions: endWith }, { target: 'completed', actions: endWith }],
        onError: failedWrite,
      },
    },
    /** Record RunCancelled. */
    cancelling: {
      invoke: { src: 'recordCancelled', input: ({ context }) => context, onDone: { target: 'cancelled', actions: endWith }, onError: failedWrite },
    },
    /** Record RunReleased. */
    releasing: {
      invoke: { src: 'recordReleased', input: ({ context }) => context, onDone: { target: 'released', actions: endWith } },
    },
    /** Record RunFailed (or, after a replay divergence, the RunFailed that says why). */
    failing: {
      invoke: { src: 'recordFailed', input: ({ context }) => context, onDone: [cancelledFirst, { target: 'failed', actions: endWith }], onError: failedWrite },
    },
    /** Submitted: RunStarted is durable and marked queued; a worker executes the run. */
    queued: final,
    /** Parked: nothing terminal recorded; a decision, a signal or a due timer wakes it. */
    waiting: final,
    /** Lost its lease: another process holds the run now. */
    abandoned: final,
    /** Given back by a draining worker. */
    released: final,
    cancelled: final,
    completed: final,
    partial: final,
    failed: final,
  },
  output: ({ context }) => context.result ?? null,
});

/** Whether the run was asked to stop (cancel, hand-over, park): nothing more may be recorded for it. */
export const stopAsked = (snapshot: SnapshotFrom<typeof runLifecycle>): boolean => snapshot.context.stop !== undefined;

/** Whether the run was handed over (abandoned, released, parked): its branches' ends belong to whoever continues it. */
export const handedOver = (snapshot: SnapshotFrom<typeof runLifecycle>): boolean => {
  const kind = snapshot.context.stop?.kind;
  return kind === 'abandon' || kind === 'release' || kind === 'park';
};
