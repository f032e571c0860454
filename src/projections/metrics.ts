import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Observable, Subscription } from 'rxjs';
import type { AigenEvent, RecordedEvent } from '../events/envelope.js';
import { project } from '../events/projection.js';
import { ValidationError } from '../errors.js';
import type { PriceTable, Projections } from './api.js';
import { initialMetricsFacts, metricsProjection, type MetricSample } from './metricsProjection.js';
import { costUsd, DEFAULT_PRICES } from './pricing.js';

/** Options of {@link RunMetrics}. */
export interface RunMetricsOptions {
  /** Prices of `aigen_cost_usd_total` (default {@link DEFAULT_PRICES}); a model without one adds no cost. */
  prices?: PriceTable;
}

const IN_FLIGHT = ['pending', 'running', 'retrying'] as const;

/**
 * Prometheus metrics of the runs in a store, kept from the events the projection runner commits
 * (so they move with runs executed by any process) and from the views (the gauges, computed at
 * each scrape). Counters count what this process has seen since it started, as Prometheus expects.
 *
 * The counting is split in two. What an event means for the metrics (a run started, a step
 * attempt ended after so long, a lease expired: facts that need what earlier events of the run
 * said) is the pure, declared {@link metricsProjection}; this class only adds the samples it
 * yields to the prom-client counters. The counters stay out of the projection because they are
 * process state (a registry scraped while events arrive), not a fold of the log: kept apart, the
 * projection folds like every other view, and the model tokens are priced here, at read time,
 * with this instance's price table.
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
  /** What the metrics remember of the runs under way (see {@link metricsProjection}). */
  private facts = initialMetricsFacts();
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

  /**
   * Count one recorded event: {@link metricsProjection} says what it yields, and this adds that
   * to the counters (pricing model tokens with this instance's table).
   */
  apply(e: AigenEvent): void {
    this.facts = project(metricsProjection, this.facts, e);
    for (const sample of this.facts.samples) this.count(sample);
  }

  private count(sample: MetricSample): void {
    switch (sample.kind) {
      case 'runStarted':
        this.started.inc({ workflow: sample.workflow });
        return;
      case 'runFinished':
        this.finished.inc({ workflow: sample.workflow, status: sample.status });
        return;
      case 'stepEnded':
        this.stepDuration.observe({ agent: sample.agent }, sample.seconds);
        return;
      case 'modelUsage': {
        const { model, usage } = sample;
        this.tokens.inc({ model, direction: 'input' }, usage.inputTokens);
        this.tokens.inc({ model, direction: 'output' }, usage.outputTokens);
        const cost = costUsd(model, usage, this.prices);
        if (cost !== undefined) this.cost.inc({ model }, cost);
        return;
      }
      case 'leaseExpired':
        this.leaseExpirations.inc();
    }
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
