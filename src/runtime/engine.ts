import { Runner } from '@openai/agents';
import { NotFoundError, ValidationError } from '../errors.js';
import { runStreamId } from '../events/streams.js';
import type { Workflow } from '../machines/workflow.js';
import { assertModelAvailable, DEFAULT_MODEL, defaultModelResolver, type ModelResolver } from '../models/resolveModel.js';
import { installSpanRecorder } from '../models/tracing.js';
import { foldRunStatus, type RunStatus } from '../projections/status.js';
import type { EventStore } from '../store/eventStore.js';
import { systemClock, type Clock } from './clock.js';
import { Context } from './context.js';
import { newRunId, startRun, type ExecuteResult, type RunHandle, type RunParams } from './runExecution.js';

/** Options of {@link WorkflowEngine}. */
export interface EngineOptions {
  store: EventStore;
  /** Retries after a step's first failure (default 3: four attempts in all). */
  maxRetries?: number;
  /** Delay before the first retry; doubles each retry (default 5000). */
  retryDelayMs?: number;
  /** Spread retry delays by ±25 % (default false). */
  jitter?: boolean;
  /** Abort a step attempt that runs longer than this. */
  stepTimeoutMs?: number;
  /** Turn limit of handoff chains and of each SDK run (default 80, as in the seed). */
  maxTurns?: number;
  /** Default model of runs (default `AIGEN_MODEL` or `offline`). */
  model?: string;
  clock?: Clock;
  /** Source of randomness for jitter. */
  random?: () => number;
  modelResolver?: ModelResolver;
  env?: NodeJS.ProcessEnv;
}

/** Per-run overrides of {@link WorkflowEngine.execute}. */
export interface RunOptions {
  model?: string;
  maxRetries?: number;
  retryDelayMs?: number;
  runId?: string;
}

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
  private readonly options: Required<Omit<EngineOptions, 'stepTimeoutMs' | 'store'>> & { stepTimeoutMs: number | undefined };
  private readonly runner: Runner;
  private readonly active = new Map<string, RunHandle>();

  constructor(options: EngineOptions) {
    const env = options.env ?? process.env;
    this.store = options.store;
    this.options = {
      maxRetries: options.maxRetries ?? 3,
      retryDelayMs: options.retryDelayMs ?? 5000,
      jitter: options.jitter ?? false,
      stepTimeoutMs: options.stepTimeoutMs,
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
    installSpanRecorder(env);
    this.runner = new Runner({ tracingDisabled: false, traceIncludeSensitiveData: true });
  }

  /**
   * Start a run and return its runId as soon as RunStarted is durable.
   * @example
   * ```ts
   * const runId = await engine.start(workflow, 'Write about tides');
   * ```
   */
  async start(workflow: Workflow, input: string, options: RunOptions & { context?: Context } = {}): Promise<string> {
    const handle = this.launch(workflow, input, options.context ?? new Context(), options);
    await handle.started;
    return handle.runId;
  }

  /**
   * Execute a workflow to its end (the seed's `execute(workflow, context, input)`).
   * @example
   * ```ts
   * const { status, result } = await engine.execute(workflow, new Context(), 'Generate content about AI');
   * ```
   */
  async execute(workflow: Workflow, context: Context | undefined, input: string, options: RunOptions = {}): Promise<ExecuteResult> {
    const handle = this.launch(workflow, input, context ?? new Context(), options);
    await handle.started;
    return handle.done;
  }

  /** Wait for a run started by this engine to end. */
  async wait(runId: string): Promise<ExecuteResult> {
    const handle = this.active.get(runId);
    if (!handle) throw new NotFoundError('active run', runId);
    return handle.done;
  }

  /**
   * Cancel a run of this engine: in-flight model calls are aborted and RunCancelled recorded.
   * @example
   * ```ts
   * await engine.cancel(runId, 'user pressed stop');
   * ```
   */
  async cancel(runId: string, reason = 'cancelled by user'): Promise<void> {
    const handle = this.active.get(runId);
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
    const events = [];
    for await (const e of this.store.readStream(runStreamId(runId))) events.push(e);
    if (events.length === 0) throw new NotFoundError('run', runId);
    return foldRunStatus(events);
  }

  private launch(workflow: Workflow, input: string, context: Context, options: RunOptions): RunHandle {
    if (typeof input !== 'string') throw new ValidationError('input must be a string', { path: 'input' });
    const model = options.model ?? this.options.model;
    for (const agent of workflow.agents()) assertModelAvailable(agent.model ?? model, this.options.env);
    const params = (runId: string, wf: Workflow, text: string, ctx: Context): RunParams => ({
      store: this.store,
      workflow: wf,
      input: text,
      context: ctx,
      model,
      retry: {
        maxRetries: options.maxRetries ?? this.options.maxRetries,
        retryDelayMs: options.retryDelayMs ?? this.options.retryDelayMs,
        jitter: this.options.jitter,
      },
      stepTimeoutMs: this.options.stepTimeoutMs,
      maxTurns: this.options.maxTurns,
      clock: this.options.clock,
      random: this.options.random,
      modelResolver: this.options.modelResolver,
      runner: this.runner,
      runId,
      startChild: (childWf, childInput, parent) =>
        this.track(
          startRun({
            ...params(`${parent.runId}.${parent.branch}`, childWf, childInput, new Context()),
            parentRunId: parent.runId,
            rootRunId: parent.rootRunId,
            branch: parent.branch,
          }),
        ),
    });
    return this.track(startRun(params(options.runId ?? newRunId(), workflow, input, context)));
  }

  private track(handle: RunHandle): RunHandle {
    this.active.set(handle.runId, handle);
    const forget = () => this.active.delete(handle.runId);
    handle.done.then(forget, forget);
    handle.started.catch(forget);
    return handle;
  }
}
