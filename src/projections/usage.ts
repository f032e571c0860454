import type { Usage } from '../events/common.js';
import { addUsage, zeroUsage } from '../events/usage.js';
import type { AigenEvent } from '../events/envelope.js';
import { defineProjection, project } from '../events/projection.js';
import type { PriceTable, UsageView } from './api.js';
import { addModelUsage, DEFAULT_PRICES, priceLine, priceLines, type ModelUsage } from './pricing.js';

export { DEFAULT_PRICES, costUsd } from './pricing.js';

/** The usage projection of one run: tokens per (agent, model), from its ModelResponded events. */
export interface UsageState {
  /** stepId → agentId, from TaskSent. */
  steps: Record<string, string>;
  /** `agent\u0000model` → tokens. */
  lines: Record<string, { agentId: string; model: string; usage: Usage }>;
}

/** One stored usage row: a run's tokens for one agent and model. */
export interface UsageRow {
  runId: string;
  rootRunId: string;
  agentId: string;
  model: string;
  usage: Usage;
}

/** An empty usage state. */
export const initialUsage = (): UsageState => ({ steps: {}, lines: {} });

/**
 * A run's tokens per agent and model: TaskSent says which agent runs a step, each ModelResponded
 * adds its tokens to that agent's line for its model (an unknown step's to the event's actor).
 * Tokens only: a reader prices them with its own table ({@link buildUsageView}). Each handler
 * returns the state it is given when the event changes nothing, so callers can skip writing
 * unchanged usage.
 * @example
 * ```ts
 * let usage = initialUsage();
 * for (const e of events) usage = project(usageProjection, usage, e);
 * ```
 */
export const usageProjection = defineProjection<UsageState>()({
  name: 'usage',
  reads: ['TaskSent', 'ModelResponded'],
  on: {
    TaskSent: (u, e) => (u.steps[e.data.stepId] === e.data.agentId ? u : { ...u, steps: { ...u.steps, [e.data.stepId]: e.data.agentId } }),
    ModelResponded: (u, e) => {
      const { stepId, model, response } = e.data;
      const agentId = u.steps[stepId] ?? e.metadata.actorId ?? 'unknown';
      const key = `${agentId}\u0000${model}`;
      const before = u.lines[key]?.usage ?? zeroUsage();
      return { ...u, lines: { ...u.lines, [key]: { agentId, model, usage: addUsage(before, response.usage) } } };
    },
  },
});

/**
 * Apply one event to a run's usage: {@link usageProjection} applied to one event (the same object
 * back when the event changes nothing).
 * @example
 * ```ts
 * const usage = events.reduce((u, e) => applyUsage(u, e as AigenEvent), initialUsage());
 * ```
 */
export function applyUsage(u: UsageState, event: AigenEvent): UsageState {
  return project(usageProjection, u, event);
}

/** The stored rows of one run's usage state. */
export function usageRows(runId: string, rootRunId: string, u: UsageState): UsageRow[] {
  return Object.values(u.lines).map((l) => ({ runId, rootRunId, agentId: l.agentId, model: l.model, usage: l.usage }));
}

/**
 * Sum usage rows per run, agent, model and overall, priced with `prices`. A line that includes a
 * model without a price shows its tokens and `costUsd: undefined` (never a partial or guessed cost).
 * @example
 * ```ts
 * const view = buildUsageView(rows, { ...DEFAULT_PRICES, 'my-model': { inputPerMillion: 1, outputPerMillion: 2 } });
 * view.byModel['my-model']?.costUsd;
 * ```
 */
export function buildUsageView(rows: readonly UsageRow[], prices: PriceTable = DEFAULT_PRICES): UsageView {
  const overall = new Map<string, ModelUsage>();
  const byRun = new Map<string, ModelUsage>();
  const byAgent = new Map<string, ModelUsage>();
  const byModel = new Map<string, ModelUsage>();
  for (const r of rows) {
    addModelUsage(overall, '', r.model, r.usage);
    addModelUsage(byRun, r.runId, r.model, r.usage);
    addModelUsage(byAgent, r.agentId, r.model, r.usage);
    addModelUsage(byModel, r.model, r.model, r.usage);
  }
  return {
    overall: priceLine(overall.get('') ?? new Map(), prices),
    byRun: priceLines(byRun, prices, true),
    byAgent: priceLines(byAgent, prices, true),
    byModel: priceLines(byModel, prices, true),
  };
}
