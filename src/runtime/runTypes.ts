import type { Runner } from '@openai/agents';
import type { LiveDeltas } from './liveDeltas.js';
import type { ErrorInfo, Usage } from '../events/common.js';
import type { AnswerSource } from '../journal/answers.js';
import type { Recorder, RunIdentity } from '../journal/recorder.js';
import type { ParkedWait } from '../journal/waits.js';
import type { Workflow } from '../machines/workflow.js';
import type { ModelResolver } from '../models/resolveModel.js';
import type { EventStore } from '../store/eventStore.js';
import type { Clock } from './clock.js';
import type { Context } from './context.js';
import type { RunOwner } from './owner.js';
import type { RetryPolicy } from './stepRunner.js';

/**
 * How a run ended, or `waiting`: it parked (nothing terminal recorded, no process holds it) until
 * what `waitingFor` lists is decided, arrives or is due.
 */
export type RunStatusValue = 'completed' | 'partial' | 'failed' | 'cancelled' | 'waiting';

/** What `engine.execute()` returns: the run's id, status, result (or best partial result), error, usage and duration. */
export interface ExecuteResult {
  /** Identifies this execution; the same as `runId`. */
  workflowId: string;
  runId: string;
  workflow: string;
  status: RunStatusValue;
  /** The final content (the best partial content when `partial`). */
  result: unknown;
  partial: boolean;
  error?: ErrorInfo;
  usage: Usage;
  /**
   * How long this call executed the run. A run resumed, continued or claimed here counts from
   * then; `getWorkflowStatus` has the run's wall clock (`durationMs`) and active time (`activeMs`).
   */
  durationMs: number;
  /** What a `waiting` run waits for. */
  waitingFor?: ParkedWait[];
}

/** Everything one run needs, resolved by the engine. */
export interface RunParams {
  store: EventStore;
  /** Where the run's model calls publish their live text. */
  deltas: LiveDeltas;
  workflow: Workflow;
  input: string;
  context: Context;
  model: string;
  retry: RetryPolicy;
  stepTimeoutMs: number | undefined;
  maxTurns: number;
  clock: Clock;
  random: () => number;
  modelResolver: ModelResolver;
  runner: Runner;
  runId: string;
  parentRunId?: string;
  rootRunId?: string;
  branch?: string;
  /** Starts a child run (parallel branches); provided by the engine. */
  startChild: (workflow: Workflow, input: string, parent: { runId: string; rootRunId: string; branch: string }) => RunHandle | Promise<RunHandle>;
  /** Where events go (default: appended to the run's stream); replay compares instead. */
  recorder?: (identity: RunIdentity) => Recorder;
  /** Recorded facts to answer model calls, tool calls and retry delays from. */
  answers?: AnswerSource;
  /** Reuse a recorded trace id (replay, resume). */
  traceId?: string;
  /** Clock of XState delays (retry backoff); replay makes recorded delays instant. */
  actorClock?: Clock;
  forkOf?: { runId: string; position: number };
  /** The process executing the run, recorded in RunStarted. */
  owner?: RunOwner;
  /**
   * Submit only: record RunStarted marked `queued` (with the workflow's limit across workers)
   * and execute nothing; a worker claims the run.
   */
  queued?: { concurrency?: number | undefined };
  /** The SDK run context every agent's run gets (see `RunOptions.runContext`). */
  runContext?: unknown;
  /** False in a verifying replay: a due timer parks the run instead of firing (default true). */
  liveWaits?: boolean;
}

/** A run in progress. */
export interface RunHandle {
  runId: string;
  /** Resolves once RunStarted is durable (rejects if it could not be written). */
  started: Promise<void>;
  /** Resolves when the run has ended and its last event is durable. */
  done: Promise<ExecuteResult>;
  cancel(reason: string): Promise<void>;
  /**
   * Another process recorded RunCancelled in this run's stream (`aigen cancel`, the API of
   * another server): stop at once and end `cancelled`, appending nothing more.
   */
  cancelledInLog(reason: string): void;
  /**
   * This process lost the run's lease: stop at once and write nothing more (another process
   * holds the run now). `done` resolves `failed` with LEASE_LOST.
   */
  abandon(reason: string): void;
  /**
   * Give the run back (a draining worker): stop, record RunReleased, and resolve once it is
   * durable; `done` resolves `failed` with RUN_RELEASED.
   */
  release(workerId: string, reason: string): Promise<void>;
  /** Where this run's events went. */
  recorder: Recorder;
}
