import type { Usage } from '../events/common.js';
import { addUsage, zeroUsage } from '../events/usage.js';
import type { AigenEvent } from '../events/envelope.js';
import { runStreamId } from '../events/streams.js';
import type { EventStore } from '../store/eventStore.js';
import type { PriceTable, RunRow, UsageLine } from './api.js';
import { addModelUsage, costUsd, priceLine, priceLines, type ModelUsage } from './pricing.js';

/** Tokens and cost of one run (child runs included), per step, agent and model. */
export interface RunCost {
  /** USD of the whole run; undefined when a model it used has no price (see `unpriced`). */
  costUsd: number | undefined;
  usage: Usage;
  byStep: Record<string, UsageLine & { agentId: string; runId: string }>;
  byAgent: Record<string, UsageLine>;
  byModel: Record<string, UsageLine>;
  /** Models used without a price in the table: their tokens count, their cost is unknown. */
  unpriced: string[];
}

/**
 * Price the model calls among `events` (ModelResponded, attributed to steps and agents by TaskSent).
 * A model without a price contributes its tokens and makes every line it is in `costUsd: undefined`,
 * never a guessed cost.
 * @example
 * ```ts
 * const cost = priceEvents(events, { ...DEFAULT_PRICES, 'my-model': { inputPerMillion: 1, outputPerMillion: 4 } });
 * ```
 */
export function priceEvents(events: Iterable<AigenEvent>, prices: PriceTable): RunCost {
  const agents = new Map<string, string>();
  const steps = new Map<string, ModelUsage>();
  const stepOf = new Map<string, { agentId: string; runId: string }>();
  const byAgent = new Map<string, ModelUsage>();
  const byModel = new Map<string, ModelUsage>();
  const total = new Map<string, ModelUsage>();
  for (const e of events) {
    const runId = e.metadata.runId ?? e.streamId.replace(/^run-/, '');
    if (e.type === 'TaskSent') agents.set(`${runId}\u0000${e.data.stepId}`, e.data.agentId);
    if (e.type !== 'ModelResponded') continue;
    const { stepId, model, response } = e.data;
    const agentId = agents.get(`${runId}\u0000${stepId}`) ?? e.metadata.actorId ?? 'unknown';
    const stepKey = runId === (e.metadata.rootRunId ?? runId) ? stepId : `${runId}/${stepId}`;
    if (!stepOf.has(stepKey)) stepOf.set(stepKey, { agentId, runId });
    addModelUsage(steps, stepKey, model, response.usage);
    addModelUsage(byAgent, agentId, model, response.usage);
    addModelUsage(byModel, model, model, response.usage);
    addModelUsage(total, '', model, response.usage);
  }
  const overall = priceLine(total.get('') ?? new Map(), prices);
  return {
    costUsd: overall.costUsd,
    usage: overall.usage,
    byStep: Object.fromEntries(Object.entries(priceLines(steps, prices)).map(([k, line]) => [k, { ...line, ...stepOf.get(k)! }])),
    byAgent: priceLines(byAgent, prices),
    byModel: priceLines(byModel, prices),
    unpriced: [...byModel.keys()].filter((m) => costUsd(m, zeroUsage(), prices) === undefined).sort(),
  };
}

/**
 * The cost of a run and its child runs, read from the store (up to the run's stream position `at`
 * when given; child runs then count only when started by then).
 * @example
 * ```ts
 * const { costUsd, byAgent } = await runCost(store, runId, prices);
 * ```
 */
export async function runCost(store: EventStore, runId: string, prices: PriceTable, at?: number): Promise<RunCost> {
  const events: AigenEvent[] = [];
  const pending: Array<{ runId: string; to: number | undefined }> = [{ runId, to: at }];
  const seen = new Set<string>();
  while (pending.length > 0) {
    const next = pending.shift()!;
    if (seen.has(next.runId)) continue;
    seen.add(next.runId);
    for await (const e of store.readStream(runStreamId(next.runId), next.to === undefined ? {} : { to: next.to })) {
      const event = e as AigenEvent;
      events.push(event);
      if (event.type === 'ChildRunStarted') pending.push({ runId: event.data.childRunId, to: undefined });
    }
  }
  return priceEvents(events, prices);
}

/** A runs-list row with its cost: USD, or null when a model it used has no price. */
export type CostedRunRow<R extends RunRow = RunRow> = R & { costUsd: number | null };

/**
 * Price runs-list rows from the views alone: each row's cost is that of every model call in its
 * own stream and in the runs below it (its child runs, theirs…), taken from the `modelUsage` of
 * the rows in `trees` (the rows of every run under the same top-level runs). The same figure as
 * {@link runCost}, without reading any stream.
 * @example
 * ```ts
 * const costed = priceRunRows(page.rows, await views.runTrees(page.rows.map((r) => r.rootRunId ?? r.runId)), prices);
 * ```
 */
export function priceRunRows<R extends RunRow>(rows: readonly R[], trees: readonly RunRow[], prices: PriceTable): Array<CostedRunRow<R>> {
  const byId = new Map<string, RunRow>();
  const below = new Map<string, string[]>();
  for (const r of [...trees, ...rows]) {
    if (byId.has(r.runId)) continue;
    byId.set(r.runId, r);
    if (r.parentRunId !== undefined) below.set(r.parentRunId, [...(below.get(r.parentRunId) ?? []), r.runId]);
  }
  return rows.map((row) => {
    const models = new Map<string, Usage>();
    const seen = new Set<string>();
    const pending = [row.runId];
    while (pending.length > 0) {
      const id = pending.pop()!;
      if (seen.has(id)) continue;
      seen.add(id);
      for (const [model, usage] of Object.entries(byId.get(id)?.modelUsage ?? {})) models.set(model, addUsage(models.get(model) ?? zeroUsage(), usage));
      pending.push(...(below.get(id) ?? []));
    }
    return { ...row, costUsd: priceLine(models, prices).costUsd ?? null };
  });
}

/** A status view with its cost: `costUsd` on the run and on each step, and the breakdown in `cost`. */
export type CostedStatus<S extends { steps: Array<{ stepId: string }> }> = Omit<S, 'steps'> & {
  /** USD, or null when a model it used has no price. */
  costUsd: number | null;
  cost: RunCost;
  steps: Array<S['steps'][number] & { costUsd: number | null }>;
};

/**
 * Add a run's cost to its status view (steps priced by their own model calls; a step without any
 * costs 0).
 * @example
 * ```ts
 * const status = withCost(await projections.status(runId), await runCost(store, runId, prices));
 * ```
 */
export function withCost<S extends { steps: Array<{ stepId: string }> }>(status: S, cost: RunCost): CostedStatus<S> {
  return {
    ...status,
    costUsd: cost.costUsd ?? null,
    cost,
    steps: status.steps.map((s) => ({ ...s, costUsd: cost.byStep[s.stepId] ? (cost.byStep[s.stepId]!.costUsd ?? null) : 0 })),
  };
}

/**
 * Put the cost of every model call, step, child run and the run itself into the trace, as the span
 * attribute `costUsd` (USD, or `null` when a model below it has no price). Returns the same trace.
 * @example
 * ```ts
 * priceTrace(trace, prices).root.attributes.costUsd; // 0.0123
 * ```
 */
export function priceTrace<T extends { root: PricedSpan }>(trace: T, prices: PriceTable): T {
  const walk = (span: PricedSpan): number | null | undefined => {
    let sum: number | null | undefined;
    for (const child of span.children) {
      const c = walk(child);
      if (c === undefined) continue;
      sum = c === null || sum === null ? null : (sum ?? 0) + c;
    }
    if (span.kind === 'model' && span.usage && typeof span.attributes.model === 'string') {
      const c = costUsd(span.attributes.model, span.usage, prices);
      sum = c === undefined ? null : c;
    }
    if (span.kind === 'model' || span.kind === 'step' || span.kind === 'run' || span.kind === 'child') span.attributes.costUsd = sum ?? 0;
    return sum;
  };
  walk(trace.root);
  return trace;
}

/** The span fields {@link priceTrace} reads. */
interface PricedSpan {
  kind: string;
  usage: Usage | undefined;
  attributes: Record<string, unknown>;
  children: PricedSpan[];
}
