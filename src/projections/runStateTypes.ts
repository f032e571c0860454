/** The shapes of a run's folded state (see `evolve` in runState.ts). Types and constants only, so the browser bundles it as it is. */
import type { ErrorInfo, StateValue, Usage } from '../events/common.js';
import type { ParkedWait } from '../journal/waits.js';

/** A run's lifecycle status. */
export type RunLifecycle = 'pending' | 'queued' | 'running' | 'retrying' | 'waiting' | 'stalled' | 'completed' | 'partial' | 'failed' | 'cancelled';

/** Every {@link RunLifecycle}, in lifecycle order. */
export const RUN_LIFECYCLES: readonly RunLifecycle[] = ['pending', 'queued', 'running', 'retrying', 'waiting', 'stalled', 'completed', 'partial', 'failed', 'cancelled'];

/** The id of a process executing runs: a worker's id, or `host:pid` of a process running its own run. */
export function ownerId(owner: { host: string; pid: number }): string {
  return `${owner.host}:${owner.pid}`;
}

/** One agent step of a run. */
export interface StepView {
  stepId: string;
  agentId: string;
  actorId: string | undefined;
  /** `cancelled`: the run was cancelled while the step was running. */
  status: 'running' | 'retrying' | 'completed' | 'failed' | 'cancelled';
  attempts: number;
  startedAt: string;
  endedAt: string | undefined;
  durationMs: number | undefined;
  /** Tokens of the current attempt: its model calls so far while it runs, its total once it completed. */
  usage: Usage;
  /** The step's output once it completed. */
  output: unknown;
  outputPreview: string | undefined;
  error: ErrorInfo | undefined;
  /** Stream position of the event that last changed the step. */
  position: number;
}

/** What an actor was last asked to do (its latest TaskSent). */
export interface ActorTask {
  stepId: string;
  attempt: number;
  input: unknown;
}

/** One actor (the workflow, a nested workflow or an agent) of a run. */
export interface ActorView {
  /** Id of the machine it runs (a key of the run's definition.machines); unknown until it transitions. */
  machine: string | undefined;
  /** Its current state value (`idle` until it transitions). */
  state: StateValue;
  task: ActorTask | undefined;
}

/**
 * Something a run waits for before it can continue (an approval, a signal, a timer): with the
 * approval of the same id in {@link RunState.approvals} (its kind and agent), all a person needs
 * to decide it (what `pendingOf` lists).
 */
export interface WaitingFor extends ParkedWait {
  /** Stream position of the event that started the wait. */
  since: number;
  /** When the wait started (ISO). */
  sinceAt: string;
  /** How an approval's timeout decides it at `dueAt` (approvals with a timeout). */
  onTimeout?: 'approve' | 'reject' | undefined;
  /** The JSON Schema a signal's payload must match (signals that name one). */
  schema?: unknown;
}

/**
 * One approval the run asked for (ApprovalRequested) and, once decided (ApprovalDecided), its
 * decision: kept after the run ended, so a finished run still shows who approved what and when.
 */
/** A signal the run waited for, or a sleep: one entry each, kept after it ended. */
export interface WaitStepView {
  kind: 'signal' | 'sleep';
  /** The signal's id, or the sleep's timer id. */
  id: string;
  /** The signal's name; `sleep` for a sleep. */
  name: string;
  stepId: string | undefined;
  /** `waiting` until it ends: the signal arrived (`received`), its timeout fired (`timedOut`), the sleep ended (`done`). */
  status: 'waiting' | 'received' | 'timedOut' | 'done';
  startedAt: string;
  /** When a sleep is due, or a signal's timeout. */
  dueAt: string | undefined;
  endedAt: string | undefined;
  /** Who sent the signal. */
  by: string | undefined;
  /** Stream position of the event that started it. */
  position: number;
}

export interface ApprovalView {
  approvalId: string;
  /** `tool`: a tool call (`tool` and `arguments` set); `step`: a workflow step's input. */
  kind: 'tool' | 'step';
  /** The tool's name or the approval step's name. */
  name: string;
  stepId: string;
  agentId: string | undefined;
  tool: string | undefined;
  /** The tool call's arguments as the model sent them (JSON text). */
  arguments: string | undefined;
  prompt: string;
  /** What was to be approved. */
  content: unknown;
  requestedAt: string;
  /** Stream position of the ApprovalRequested event. */
  requestedPosition: number;
  /** The decision; undefined while the approval is pending. */
  decision: 'approve' | 'reject' | undefined;
  /** Who decided (`timeout` when the timeout decided). */
  by: string | undefined;
  /** The approver's comment (a rejection's reason). */
  comment: string | undefined;
  /** A step approval's edited content, when the approver edited it. */
  output: unknown;
  timedOut: boolean;
  decidedAt: string | undefined;
  /** Stream position of the ApprovalDecided event. */
  decidedPosition: number | undefined;
}

/** Everything known about a run from its events: what the views, time travel and the browser show. */
export interface RunState {
  runId: string;
  workflow: string;
  kind: string;
  /**
   * `queued` until a worker claims a submitted run (or, after a wait ended, until someone
   * continues it); `waiting` while `waitingFor` is not empty; `stalled` is never folded (it needs the
   * clock and the lease table: the views mark a `running` run whose lease expired).
   */
  status: RunLifecycle;
  /** Who executes the run (its latest claim), while it is not queued. */
  worker: string | undefined;
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
  /** Wall clock from `startedAt` to `endedAt`, once the run ended: waits, queues and crashes included. */
  durationMs: number | undefined;
  /**
   * Active time so far: the wall clock less the time the run waited (an approval, a signal, a
   * timer), sat queued for a worker, or lay stalled until a process took it over. Counted from
   * the times of the events {@link STATUS_EVENT_TYPES} names, so every fold of the run agrees.
   */
  activeMs: number;
  /** When the last of those events was recorded (ISO; `''` before any). */
  lastActivityAt: string;
  /** Current state value of the workflow actor and of every agent actor, by actor id. */
  states: Record<string, StateValue>;
  /** Every actor by id, in order of first appearance: machine, state value, current task. */
  actors: Record<string, ActorView>;
  steps: StepView[];
  handoffs: Array<{ stepId: string; from: string; to: string }>;
  branch: { stepId: string; branch: string; reason: string } | undefined;
  childRuns: Array<{ childRunId: string; branch: string; status: string }>;
  /**
   * What the run waits for now (approvals, signals, timers); empty while it can proceed. A
   * parallel branch's waits that park the run carry the branch's `runId`.
   */
  waitingFor: WaitingFor[];
  /** Every approval this run asked for, in the order asked, with its decision once decided. */
  approvals: ApprovalView[];
  /** Every signal this run waited for and every sleep, in the order started, with how each ended. */
  waits: WaitStepView[];
  output: unknown;
  partial: boolean;
  error: ErrorInfo | undefined;
  /**
   * Tokens of the completed steps and branches, and of the model calls of steps still running
   * (or waiting for an approval); once the run ended, the total its end event recorded.
   */
  usage: Usage;
  /**
   * Tokens of every model call in this run's own stream, by model: failed attempts and agents used
   * as tools included, child runs not (each has its own). What the run's cost is priced from.
   */
  modelUsage: Record<string, Usage>;
  /** Stream position of the last folded event (-1 before any). */
  lastPosition: number;
  /** How many events were folded: equals `lastPosition + 1` unless an event was skipped as unreadable. */
  eventCount: number;
}
