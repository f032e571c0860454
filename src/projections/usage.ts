import type { Usage } from '../events/common.js';
import { addUsage, zeroUsage } from '../events/usage.js';
import type { AigenEvent } from '../events/envelope.js';
import type { PriceTable, UsageLine, UsageView } from './api.js';

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
 * Apply one event to a run's usage (a pure reducer). Returns the same object when the event
 * changes nothing, so callers can skip writing unchanged usage.
 * @example
 * ```ts
 * const usage = events.reduce((u, e) => applyUsage(u, e as AigenEvent), initialUsage());
 * ```
 */
export function applyUsage(u: UsageState, event: AigenEvent): UsageState {
  if (event.type === 'TaskSent') {
    if (u.steps[event.data.stepId] === event.data.agentId) return u;
    return { ...u, steps: { ...u.steps, [event.data.stepId]: event.data.agentId } };
  }
  if (event.type !== 'ModelResponded') return u;
  const { stepId, model, response } = event.data;
  const agentId = u.steps[stepId] ?? event.metadata.actorId ?? 'unknown';
  const key = `${agentId}\u0000${model}`;
  const before = u.lines[key]?.usage ?? zeroUsage();
  return { ...u, lines: { ...u.lines, [key]: { agentId, model, usage: addUsage(before, response.usage) } } };
}

/** The stored rows of one run's usage state. */
export function usageRows(runId: string, rootRunId: string, u: UsageState): UsageRow[] {
  return Object.values(u.lines).map((l) => ({ runId, rootRunId, agentId: l.agentId, model: l.model, usage: l.usage }));
}

/**
 * List prices (USD per million tokens, standard tier, no cached-input discount) of a few OpenAI
 * models as published on openai.com/api/pricing in 2025, and `offline` at 0. Prices change: pass
 * your own table (`usage({ prices })`, `openProjections(url, store, { prices })`) for real bills.
 * Only exact model names match: a dated snapshot or any other model has no price.
 * @example
 * ```ts
 * await projections.usage({ prices: { ...DEFAULT_PRICES, 'llama3.1': { inputPerMillion: 0, outputPerMillion: 0 } } });
 * ```
 */
export const DEFAULT_PRICES: PriceTable = {
  offline: { inputPerMillion: 0, outputPerMillion: 0 },
  'gpt-4o': { inputPerMillion: 2.5, outputPerMillion: 10 },
  'gpt-4o-mini': { inputPerMillion: 0.15, outputPerMillion: 0.6 },
  'gpt-4.1': { inputPerMillion: 2, outputPerMillion: 8 },
  'gpt-4.1-mini': { inputPerMillion: 0.4, outputPerMillion: 1.6 },
  'gpt-4.1-nano': { inputPerMillion: 0.1, outputPerMillion: 0.4 },
};

/**
 * Cost in USD of `usage` on `model`, or undefined when the table has no price for it.
 * @example
 * ```ts
 * costUsd('gpt-4o', { requests: 1, inputTokens: 1_000_000, outputTokens: 0, totalTokens: 1_000_000 }); // 2.5
 * costUsd('my-local-model', usage); // undefined
 * ```
 */
export function costUsd(model: string, usage: Usage, prices: PriceTable = DEFAULT_PRICES): number | undefined {
  const p = Object.prototype.hasOwnProperty.call(prices, model) ? prices[model] : undefined;
  if (!p) return undefined;
  return (usage.inputTokens * p.inputPerMillion + usage.outputTokens * p.outputPerMillion) / 1_000_000;
}

/** Token sums of one line, per model (integers: exact in any order). */
type Acc = Map<string, Usage>;

function add(map: Map<string, Acc>, key: string, model: string, usage: Usage): void {
  let acc = map.get(key);
  if (!acc) map.set(key, (acc = new Map<string, Usage>()));
  acc.set(model, addUsage(acc.get(model) ?? zeroUsage(), usage));
}

/** Each line's tokens, and its cost summed over its models in name order, so the result never depends on row order. */
function lines(map: Map<string, Acc>, prices: PriceTable): Record<string, UsageLine> {
  const out: Record<string, UsageLine> = {};
  for (const key of [...map.keys()].sort()) {
    const acc = map.get(key)!;
    let usage = zeroUsage();
    let cost: number | undefined = 0;
    for (const model of [...acc.keys()].sort()) {
      const u = acc.get(model)!;
      usage = addUsage(usage, u);
      const c = costUsd(model, u, prices);
      cost = c === undefined || cost === undefined ? undefined : cost + c;
    }
    out[key] = { usage, costUsd: cost };
  }
  return out;
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
  const overall = new Map<string, Acc>();
  const byRun = new Map<string, Acc>();
  const byAgent = new Map<string, Acc>();
  const byModel = new Map<string, Acc>();
  for (const r of rows) {
    add(overall, '', r.model, r.usage);
    add(byRun, r.runId, r.model, r.usage);
    add(byAgent, r.agentId, r.model, r.usage);
    add(byModel, r.model, r.model, r.usage);
  }
  return {
    overall: lines(overall, prices)[''] ?? { usage: zeroUsage(), costUsd: 0 },
    byRun: lines(byRun, prices),
    byAgent: lines(byAgent, prices),
    byModel: lines(byModel, prices),
  };
}
