import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Observable, Subscription } from 'rxjs';
import type { EventData } from '../events/catalogue.js';
import type { AigenEvent, RecordedEvent } from '../events/envelope.js';
import { runIdOfStream } from '../events/streams.js';
import { ValidationError } from '../errors.js';
import type { PriceTable, Projections } from './api.js';
import { costUsd, DEFAULT_PRICES } from './pricing.js';

/** Options of {@link RunMetrics}. */
export interface RunMetricsOptions {
  /** Prices of `aigen_cost_usd_total` (default {@link DEFAULT_PRICES}); a model without one adds no cost. */
  prices?: PriceTable;
}

/** What a step span needs to remember between TaskSent and its end. */
interface OpenStep {
  agentId: string;
  startedAt: number;
}

const IN_FLIGHT = ['pending', 'running', 'retrying'] as const;

/**
 * Prometheus metrics of the runs in a store, kept from the events the projection runner commits
 * (so they move with runs executed by any process) and from the views (the gauges, computed at
 * each scrape). Counters count what this process has seen since it started, as Prometheus expects.
 * @example
 * ```ts
 * const metrics = new RunMetrics(projections, { prices });
 * metrics.follow(projections.runner.events$);
 * res.end(await metrics.render());
 * ```
 */
export class RunMetrics {
  readonly registry = new Registry();
  private readonly started: Counter<'workflow'>;
  private readonly finished: Counter<'workflow' | 'status'>;
  private readonly stepDuration: Histogram<'agent'>;
  private readonly tokens: Counter<'model' | 'direction'>;
  private readonly cost: Counter<'model'>;
  private readonly leaseExpirations: Counter;
  private readonly workflows = new Map<string, string>();
  private readonly steps = new Map<string, OpenStep>();
  /** Runs a worker gave back (drain) and nobody has claimed since. */
  private readonly released = new Set<string>();
  private readonly prices: PriceTable;
  private subscription: Subscription | undefined;

  constructor(
    private readonly projections: Pick<Projections, 'runs'>,
    options: RunMetricsOptions = {},
  ) {
    this.prices = options.prices ?? DEFAULT_PRICES;
    const registers = [this.registry];
    this.started = new Counter({ name: 'aigen_runs_started_total', help: 'Runs started (RunStarted events), by workflow.', labelNames: ['workflow'], registers });
    this.finished = new Counter({ name: 'aigen_runs_finished_total', help: 'Runs ended, by workflow and final status.', labelNames: ['workflow', 'status'], registers });
    this.stepDuration = new Histogram({
      name: 'aigen_step_duration_seconds',
      help: 'Duration of agent step attempts (TaskSent to StepCompleted/StepFailed), by agent.',
      labelNames: ['agent'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
      registers,
    });
    this.tokens = new Counter({ name: 'aigen_model_tokens_total', help: 'Model tokens, by model and direction (input, output).', labelNames: ['model', 'direction'], registers });
    this.cost = new Counter({ name: 'aigen_cost_usd_total', help: 'Model cost in USD from the price table, by model (models without a price add nothing).', labelNames: ['model'], registers });
    this.leaseExpirations = new Counter({
      name: 'aigen_lease_expirations_total',
      help: 'Runs taken over after the process holding them stopped (RunResumed, or a RunClaimed of a run under way that was not released).',
      registers,
    });
    const count = (statuses: readonly string[]) => () => this.countRuns(statuses);
    this.gauge('aigen_runs_in_flight', 'Runs being executed now (pending, running or retrying in the runs view).', count(IN_FLIGHT));
    this.gauge('aigen_runs_waiting', 'Runs waiting for an approval, a signal or a timer (runs view).', count(['waiting']));
    this.gauge('aigen_queue_depth', 'Runs submitted and not yet taken by a process (runs view).', count(['queued']));
  }

  private gauge(name: string, help: string, read: () => Promise<number>): void {
    new Gauge({
      name,
      help,
      registers: [this.registry],
      async collect() {
        this.set(await read());
      },
    });
  }

  /** Runs of the views with one of these statuses; a status the views do not know has none. */
  private async countRuns(statuses: readonly string[]): Promise<number> {
    let total = 0;
    for (const status of statuses) {
      let cursor: string | undefined;
      try {
        do {
          const page = await this.projections.runs({ status: status as never, limit: 1000, ...(cursor ? { cursor } : {}) });
          total += page.rows.length;
          cursor = page.nextCursor;
        } while (cursor);
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
      }
    }
    return total;
  }

  /** Count the events of a stream (the projection runner's committed events) until {@link close}. */
  follow(events: Observable<RecordedEvent>): void {
    this.subscription?.unsubscribe();
    this.subscription = events.subscribe((e) => this.apply(e as AigenEvent));
  }

  /** Count one recorded event. */
  apply(e: AigenEvent): void {
    const runId = runIdOfStream(e.streamId);
    if (runId === undefined) return;
    switch (e.type) {
      case 'RunStarted':
        this.workflows.set(runId, e.data.workflow.name);
        this.started.inc({ workflow: e.data.workflow.name });
        return;
      case 'TaskSent':
        this.steps.set(`${runId}\u0000${e.data.stepId}`, { agentId: e.data.agentId, startedAt: Date.parse(e.metadata.recordedAt) });
        return;
      case 'StepCompleted':
      case 'StepFailed': {
        const key = `${runId}\u0000${e.data.stepId}`;
        const open = this.steps.get(key);
        this.steps.delete(key);
        if (open) this.stepDuration.observe({ agent: open.agentId }, Math.max(0, Date.parse(e.metadata.recordedAt) - open.startedAt) / 1000);
        return;
      }
      case 'ModelResponded':
        this.countUsage(e.data);
        return;
      case 'RunResumed':
        this.leaseExpirations.inc();
        return;
      case 'RunReleased':
        this.released.add(runId);
        return;
      case 'RunClaimed':
        // A claim of a run under way (not its first) that nobody gave back: its holder's lease expired.
        if (e.data.fromPosition > 0 && !this.released.delete(runId)) this.leaseExpirations.inc();
        return;
      case 'RunCompleted':
      case 'RunFailed':
      case 'RunCancelled': {
        const status = e.type === 'RunCompleted' ? (e.data.partial ? 'partial' : 'completed') : e.type === 'RunFailed' ? 'failed' : 'cancelled';
        this.finished.inc({ workflow: this.workflows.get(runId) ?? 'unknown', status });
        this.workflows.delete(runId);
        this.released.delete(runId);
        for (const key of this.steps.keys()) if (key.startsWith(`${runId}\u0000`)) this.steps.delete(key);
        return;
      }
      default:
    }
  }

  private countUsage(d: EventData<'ModelResponded'>): void {
    const { model, response } = d;
    this.tokens.inc({ model, direction: 'input' }, response.usage.inputTokens);
    this.tokens.inc({ model, direction: 'output' }, response.usage.outputTokens);
    const cost = costUsd(model, response.usage, this.prices);
    if (cost !== undefined) this.cost.inc({ model }, cost);
  }

  /** The metrics in Prometheus text format. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  close(): void {
    this.subscription?.unsubscribe();
    this.subscription = undefined;
  }
}
