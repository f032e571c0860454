import { Runner } from '@openai/agents';
import type { Observable } from 'rxjs';
import { defaultCatalog, type Catalog } from '../config/catalog.js';
import { NotFoundError, ValidationError } from '../errors.js';
import type { Workflow } from '../machines/workflow.js';
import { workflowFromSpec, type WorkflowOrName } from './workflowSpec.js';
import { DEFAULT_MODEL, defaultModelResolver } from '../models/resolveModel.js';
import { installSpanRecorder } from '../journal/spans.js';
import type { WatchUpdate } from '../projections/api.js';
import { foldRunStatus, type RunStatus } from '../projections/status.js';
import { watchRun } from '../projections/watch.js';
import type { EventStore } from '../store/eventStore.js';
import { systemClock } from './clock.js';
import { Context } from './context.js';
import { launchFork } from './fork.js';
import type { ForkOptions, ReplayResult } from './replay/engineSupport.js';
import type { RecordedRunDeps } from './replay/modes.js';
import { resumeRun, type ResumeOptions } from './resume.js';
import { readRunLog, unfinishedRootRuns } from './runLog.js';
import { verifyRun } from './replay/verify.js';
import type { ExecuteResult } from './runExecution.js';
import { DEFAULT_STEP_TIMEOUT_MS, type EngineOptions, type ExecuteOptions, type RunOptions } from './runOptions.js';
import { assertRebuildable, claimRun, type ClaimOutcome } from './claimRun.js';
import { leaseMsOf, RunLeases } from './runLeases.js';
import { WorkersUnsupportedError } from './errors.js';
import { approvalAnswer, applyDecision, signalAnswer, type ApproveOptions, type DecisionDeps, type DecisionResult, type RejectOptions, type SignalOptions } from './decide.js';
import { LiveDeltas } from './liveDeltas.js';
import { RunLauncher, type LaunchSettings } from './launcher.js';
import { onRunDeltas, streamRun, toRunStream, type RunStream } from './liveStream.js';

export type { WorkflowOrName } from './workflowSpec.js';
export { DEFAULT_STEP_TIMEOUT_MS, type EngineOptions, type ExecuteOptions, type RunOptions } from './runOptions.js';

/**
 * Runs workflows and records every step in the event store.
 * @example
 * ```ts
 * const engine = new WorkflowEngine({ store: await openStore(), maxRetries: 3, retryDelayMs: 5000 });
 * const result = await engine.execute(createWorkflow('content_generation'), new Context(), 'Generate content about AI');
 * const status = await engine.getWorkflowStatus(result.workflowId);
 * ```
 */
export class WorkflowEngine {
  readonly store: EventStore;
  /** The live text of this engine's model calls (and, followed, other processes'). */
  readonly deltas: LiveDeltas;
  private readonly options: LaunchSettings;
  /** Where tool and workflow names are resolved. */
  readonly catalog: Catalog;
  /** Starts this engine's runs and keeps those executing here. */
  private readonly launcher: RunLauncher;
  /** Runs this engine continues after a decision, until they end (or park again). */
  private readonly continued = new Map<string, Promise<ExecuteResult>>();

  constructor(options: EngineOptions) {
    if (!options?.store || typeof options.store.readStream !== 'function') {
      throw new ValidationError('WorkflowEngine needs an event store: new WorkflowEngine({ store: await openStore() }) (or createMemoryStore() from aigen/testing)', { path: 'store' });
    }
    const env = options.env ?? process.env;
    this.store = options.store;
    this.deltas = options.deltas ?? new LiveDeltas(this.store);
    this.catalog = options.catalog ?? defaultCatalog;
    this.options = {
      maxRetries: options.maxRetries ?? 3,
      retryDelayMs: options.retryDelayMs ?? 5000,
      jitter: options.jitter ?? false,
      stepTimeoutMs: options.stepTimeoutMs ?? DEFAULT_STEP_TIMEOUT_MS,
      maxTurns: options.maxTurns ?? 80,
      model: options.model ?? env.AIGEN_MODEL ?? DEFAULT_MODEL,
      clock: options.clock ?? systemClock,
      random: options.random ?? Math.random,
      modelResolver: options.modelResolver ?? defaultModelResolver(env),
      env,
    };
    if (this.options.maxRetries < 0 || !Number.isInteger(this.options.maxRetries)) {
      throw new ValidationError('maxRetries must be a whole number >= 0', { path: 'maxRetries' });
    }
    if (!(this.options.stepTimeoutMs >= 0) || !Number.isFinite(this.options.stepTimeoutMs)) {
      throw new ValidationError('stepTimeoutMs must be a number of milliseconds >= 0 (0: no limit)', { path: 'stepTimeoutMs' });
    }
    // Leases of the runs this engine starts and executes itself (absent on stores without leases).
    const leases = this.store.leases ? new RunLeases(this.store, this.store.leases, leaseMsOf(options.leaseMs, env)) : undefined;
    installSpanRecorder(env);
    const runner = new Runner({ tracingDisabled: false, traceIncludeSensitiveData: true });
    this.launcher = new RunLauncher({ store: this.store, deltas: this.deltas, catalog: this.catalog, settings: this.options, leases, runner });
  }

  /**
   * Start a run and return its runId as soon as RunStarted is durable.
   * @example
   * ```ts
   * const runId = await engine.start(workflow, 'Write about tides');
   * ```
   */
  async start(workflow: WorkflowOrName, input: string, options: RunOptions & { context?: Context } = {}): Promise<string> {
    const handle = this.launcher.launch(this.workflowOf(workflow), input, options.context ?? new Context(), options);
    await handle.started;
    return handle.runId;
  }

  /**
   * Record a run for a worker to execute and return its id at once: RunStarted (`queued`) is
   * durable and the run waits in the store's queue; `aigen worker`, `aigen serve` or
   * {@link Worker} executes it. `concurrency` caps the runs of this workflow executing at once
   * across all workers. Needs a store other processes share (SQLite, PostgreSQL).
   * @example
   * ```ts
   * const runId = await engine.submit(workflow, 'Write about tides', { concurrency: 3 });
   * ```
   */
  async submit(spec: WorkflowOrName, input: string, options: RunOptions & { concurrency?: number } = {}): Promise<string> {
    const workflow = this.workflowOf(spec);
    const leases = this.store.leases;
    if (!leases) throw new WorkersUnsupportedError(this.store.kind, 'submitted runs');
    const { concurrency, ...runOptions } = options;
    const limit = concurrency ?? workflow.concurrency;
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
      throw new ValidationError(`concurrency must be a whole number >= 1, got ${String(limit)}`, { path: 'concurrency' });
    }
    assertRebuildable(this.catalog, workflow);
    const handle = this.launcher.launch(workflow, input, new Context(), runOptions, { kind: 'submit', concurrency: limit });
    await handle.started;
    await leases.enqueue({ runId: handle.runId, workflow: workflow.name, limit });
    return handle.runId;
  }

  /**
   * Execute a run whose lease `claim.workerId` holds (a worker's claim): records RunClaimed and
   * continues the run from its log. See {@link claimRun}.
   */
  executeClaimed(runId: string, claim: { workerId: string; leaseMs: number }): Promise<ClaimOutcome> {
    return claimRun(this.recordedRunDeps(), runId, claim);
  }

  /**
   * Execute a workflow to its end (`execute(workflow, context, input)`).
   * @example
   * ```ts
   * const { status, result } = await engine.execute(workflow, new Context(), 'Generate content about AI');
   * ```
   */
  async execute(workflow: WorkflowOrName, context: Context | undefined, input: string, options: ExecuteOptions = {}): Promise<ExecuteResult> {
    const { onDelta, ...runOptions } = options;
    const handle = this.launcher.launch(this.workflowOf(workflow), input, context ?? new Context(), runOptions);
    const stop = onDelta ? onRunDeltas(this.deltas, handle.runId, onDelta) : undefined;
    try {
      await handle.started;
      return await handle.done;
    } finally {
      stop?.();
    }
  }

  /**
   * Follow a run: its recorded events (from the start, then live) and, between each model call's
   * ModelCalled and ModelResponded, the call's output as it is generated (`{ type: 'delta', … }`;
   * never stored). Completes after the run's terminal event. Deltas of runs executed by another
   * process arrive too when the store carries them (SQLite, PostgreSQL).
   * @example
   * ```ts
   * for await (const item of engine.stream(runId)) {
   *   if (item.type === 'delta') process.stdout.write(item.text);
   *   else console.log(item.type);
   * }
   * ```
   */
  stream(runId: string): RunStream {
    return toRunStream(streamRun(this.deltas, runId));
  }

  /**
   * Wait for a run started by this engine to end (also one that has just ended). After a decision
   * that continued a parked run here (`continued: 'here'`), that is the continued run's outcome.
   */
  async wait(runId: string): Promise<ExecuteResult> {
    const done = this.continued.get(runId) ?? this.launcher.outcome(runId);
    if (!done) throw new NotFoundError('active run', runId);
    return done;
  }

  /**
   * Cancel a run of this engine: in-flight model calls are aborted and RunCancelled recorded.
   * @example
   * ```ts
   * await engine.cancel(runId, 'user pressed stop');
   * ```
   */
  async cancel(runId: string, reason = 'cancelled by user'): Promise<void> {
    const handle = this.launcher.running(runId);
    if (!handle) throw new NotFoundError('active run', runId, { hint: 'only runs of this process can be cancelled' });
    await handle.cancel(reason);
  }

  /**
   * The status of a run, folded from its events.
   * @example
   * ```ts
   * const status = await engine.getWorkflowStatus(runId); // { status: 'completed', steps: [...] }
   * ```
   */
  async getWorkflowStatus(runId: string): Promise<RunStatus> {
    return foldRunStatus(await readRunLog(this.store, runId));
  }

  /**
   * Follow a run live: `{ event, status }` per event (catch-up, then live), completing after its end.
   * @example
   * ```ts
   * engine.watch(runId).subscribe(({ event, status }) => console.log(event.type, status.status));
   * ```
   */
  watch(runId: string): Observable<WatchUpdate> {
    return watchRun(this.store, runId);
  }

  /** A workflow, or one created from this engine's catalog by name, agent list or file (as `createWorkflow`). */
  private workflowOf(spec: WorkflowOrName): Workflow {
    return workflowFromSpec(this.catalog, spec);
  }

  /**
   * Re-execute a recorded run with the current workflow code, answering every model call, tool
   * call and delay from its log, and compare what it produces with what was recorded. Makes no
   * model or tool call and writes nothing.
   * @example
   * ```ts
   * const { match, matchedEvents, divergence } = await engine.replay(runId);
   * ```
   */
  async replay(runId: string, options: { workflow?: Workflow } = {}): Promise<ReplayResult> {
    return verifyRun(this.recordedRunDeps(), runId, options);
  }

  /**
   * Continue a run whose process died: rebuilt by re-execution from its log (no recorded step
   * runs again), then live from its end. Refuses a finished run, and (RUN_BUSY) a run whose
   * process is still alive, or runs on another host (unless `force`). The run is claimed by
   * its first new append (RunResumed, right after the log's end): of two resumes of the same run
   * only one can make it, and a resume whose re-execution diverges from the log writes nothing.
   * @example
   * ```ts
   * const result = await engine.resume(runId);
   * ```
   */
  async resume(runId: string, options: ResumeOptions = {}): Promise<ExecuteResult> {
    return resumeRun(this.recordedRunDeps(), runId, options);
  }

  /**
   * Start a new run that re-executes `runId`'s recorded answers up to stream position `at`,
   * then continues live, optionally with another model or changed agent instructions.
   * @example
   * ```ts
   * const fork = await engine.fork(runId, { at: 12, instructions: { writer: 'Write in haiku.' } });
   * ```
   */
  async fork(runId: string, options: ForkOptions): Promise<ExecuteResult> {
    const handle = await launchFork(this.recordedRunDeps(), runId, options);
    await handle.started;
    return handle.done;
  }

  /**
   * Like {@link WorkflowEngine.fork}, but returns the new run's id as soon as its RunStarted is
   * durable; `wait(runId)` gives the result.
   * @example
   * ```ts
   * const forkId = await engine.startFork(runId, { at: 12 });
   * ```
   */
  async startFork(runId: string, options: ForkOptions): Promise<string> {
    const handle = await launchFork(this.recordedRunDeps(), runId, options);
    await handle.started;
    return handle.runId;
  }

  /**
   * Approve what a waiting run asks (NOT_WAITING if it does not; `approvalId` may be omitted for its only approval);
   * it continues on a live worker, else here (`done`). `engine.approve(runId, { by: 'ann' })`
   */
  approve(runId: string, options: ApproveOptions = {}): Promise<DecisionResult> {
    return applyDecision(this.decisionDeps(), runId, approvalAnswer(runId, 'approve', options), options.continue);
  }

  /** Reject what a waiting run asks; the model (tool call) or the step's error gets `reason`. `engine.reject(runId, { reason: 'no' })` */
  reject(runId: string, options: RejectOptions): Promise<DecisionResult> {
    return applyDecision(this.decisionDeps(), runId, approvalAnswer(runId, 'reject', options), options.continue);
  }

  /** Send a signal a run waits for; its payload is checked against the wait's JSON Schema. `engine.signal(runId, 'paid', { amount: 10 })` */
  signal(runId: string, name: string, payload: unknown, options: SignalOptions = {}): Promise<DecisionResult> {
    return applyDecision(this.decisionDeps(), runId, signalAnswer(runId, name, payload, options), options.continue);
  }

  /**
   * Root runs whose log has no terminal event: left running by a process that died (or still
   * running in another one; resuming those fails with RUN_BUSY).
   * @example
   * ```ts
   * for (const runId of await engine.unfinishedRuns()) await engine.resume(runId);
   * ```
   */
  unfinishedRuns(): Promise<string[]> {
    return unfinishedRootRuns(this.store);
  }

  private decisionDeps(): DecisionDeps {
    return {
      ...this.recordedRunDeps(),
      continuing: (runId, done) => {
        this.continued.set(runId, done);
        const settle = () => {
          if (this.continued.get(runId) !== done) return;
          this.continued.delete(runId);
          this.launcher.remember(runId, done);
        };
        done.then(settle, settle);
      },
    };
  }

  private recordedRunDeps(): RecordedRunDeps {
    return { store: this.store, catalog: this.catalog, launcher: this.launcher };
  }
}
