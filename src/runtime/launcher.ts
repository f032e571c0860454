import type { Runner } from '@openai/agents';
import type { Catalog } from '../config/catalog.js';
import { ValidationError } from '../errors.js';
import type { Workflow } from '../machines/workflow.js';
import { assertModelAvailable } from '../models/resolveModel.js';
import type { EventStore } from '../store/eventStore.js';
import { CancelWatch } from './cancelWatch.js';
import { Context } from './context.js';
import type { LiveDeltas } from './liveDeltas.js';
import { markExecuting, thisProcess } from './owner.js';
import { childModeOf } from './replay/childMode.js';
import { refuseLiveModels } from './replay/engineSupport.js';
import { modeParams, type ExecutionMode } from './replay/modes.js';
import { assertRunContext } from './runContext.js';
import { newRunId, executeRun, type ExecuteResult, type RunHandle, type RunParams } from './runExecution.js';
import type { RunLeases } from './runLeases.js';
import type { EngineOptions, RunOptions } from './runOptions.js';

/** The engine's settings every run it launches gets (its own options override some). */
export type LaunchSettings = Required<Omit<EngineOptions, 'store' | 'deltas' | 'catalog' | 'leaseMs'>>;

/** What a {@link RunLauncher} launches runs with: one engine's store, deltas, catalog, leases and SDK runner. */
export interface LauncherDeps {
  store: EventStore;
  deltas: LiveDeltas;
  catalog: Catalog;
  settings: LaunchSettings;
  leases: RunLeases | undefined;
  runner: Runner;
}

/**
 * Starts runs in a mode (live, submit, resume, fork, verify) and keeps the ones executing in
 * this engine: each is tracked until it ends (the cancel watch follows RunCancelled while any
 * runs), and the last hundred results stay for `engine.wait`. The engine owns one; the entry
 * points that re-execute a recorded run call it (see `reexecute.ts`), never the engine.
 * @example
 * ```ts
 * const handle = launcher.launch(workflow, 'Write about tides', new Context(), {});
 * await handle.done;
 * ```
 */
export class RunLauncher {
  private readonly active = new Map<string, RunHandle>();
  /** Results of the runs that ended most recently, for `engine.wait` after the end. */
  private readonly ended = new Map<string, Promise<ExecuteResult>>();
  /** Follows RunCancelled events of every run while this launcher runs any. */
  private readonly cancellations: CancelWatch;

  constructor(private readonly deps: LauncherDeps) {
    this.cancellations = new CancelWatch(deps.store, (runId) => this.active.get(runId));
  }

  /** The handle of a run executing here. */
  running(runId: string): RunHandle | undefined {
    return this.active.get(runId);
  }

  /** The outcome of a run executing here, or of one of the last hundred that ended. */
  outcome(runId: string): Promise<ExecuteResult> | undefined {
    return this.active.get(runId)?.done ?? this.ended.get(runId);
  }

  /** Remember the outcome of a run that ended elsewhere in this engine (a continuation after a decision). */
  remember(runId: string, done: Promise<ExecuteResult>): void {
    this.ended.set(runId, done);
  }

  /** Start a run of `workflow` in `mode`; live and fork runs are held under a lease, as a worker holds its claims. */
  launch(workflow: Workflow, input: string, context: Context, options: RunOptions, mode: ExecutionMode = { kind: 'live' }): RunHandle {
    const { store, settings } = this.deps;
    if (typeof input !== 'string') throw new ValidationError('input must be a string', { path: 'input' });
    assertRunContext(options.runContext);
    const model = options.model ?? settings.model;
    // A submitted run's models are checked where it executes (a worker has its own keys).
    if (mode.kind !== 'verify' && mode.kind !== 'submit') for (const agent of workflow.agents()) assertModelAvailable(agent.model ?? model, settings.env);
    this.deps.catalog.resolveTools(workflow);
    const params = (runId: string, wf: Workflow, text: string, ctx: Context, runMode: ExecutionMode): RunParams => ({
      store,
      deltas: this.deps.deltas,
      workflow: wf,
      input: text,
      context: ctx,
      model,
      // The run's own options, else the run's workflow's `retry:` (a workflow file's), else the engine's.
      retry: {
        maxRetries: options.maxRetries ?? workflow.retryPolicy?.maxRetries ?? settings.maxRetries,
        retryDelayMs: options.retryDelayMs ?? workflow.retryPolicy?.retryDelayMs ?? settings.retryDelayMs,
        jitter: settings.jitter,
      },
      stepTimeoutMs: options.stepTimeoutMs ?? settings.stepTimeoutMs,
      maxTurns: settings.maxTurns,
      clock: settings.clock,
      random: settings.random,
      modelResolver: runMode.kind === 'verify' ? refuseLiveModels : settings.modelResolver,
      runner: this.deps.runner,
      runId,
      owner: thisProcess(),
      ...(options.runContext !== undefined ? { runContext: options.runContext } : {}),
      startChild: async (childWf, childInput, parent) => {
        const childId = `${parent.runId}.${parent.branch}`;
        const childMode = await childModeOf(store, runMode, childId, parent.branch);
        return this.track(
          executeRun({
            ...params(childId, childWf, childInput, new Context(), childMode),
            parentRunId: parent.runId,
            rootRunId: parent.rootRunId,
            branch: parent.branch,
          }),
        );
      },
      ...modeParams(runMode, store, settings.clock),
    });
    const handle = executeRun(params(options.runId ?? newRunId(), workflow, input, context, mode));
    if (mode.kind === 'submit') return handle;
    const leases = this.deps.leases;
    if ((mode.kind === 'live' || mode.kind === 'fork') && leases) return this.track({ ...handle, done: leases.hold(handle, workflow.name) });
    return this.track(handle);
  }

  private track(handle: RunHandle): RunHandle {
    this.active.set(handle.runId, handle);
    const release = markExecuting(handle.runId);
    this.cancellations.start();
    const forget = () => {
      release();
      this.active.delete(handle.runId);
      this.ended.set(handle.runId, handle.done);
      for (const id of this.ended.keys()) {
        if (this.ended.size <= 100) break;
        this.ended.delete(id);
      }
      if (this.active.size === 0) this.cancellations.stop();
    };
    handle.done.then(forget, forget);
    handle.started.catch(forget);
    return handle;
  }
}
