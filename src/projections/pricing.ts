/**
 * The one place usage becomes money. Views keep tokens only (per model); a reader prices them
 * when it reads, with the price table it is given, so a changed table never needs a rebuild.
 */
import type { Usage } from '../events/common.js';
import { addUsage, zeroUsage } from '../events/usage.js';
import type { PriceTable, UsageLine } from './api.js';

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

/** Tokens by model: what a line of a usage or cost view sums before it is priced. */
export type ModelUsage = Map<string, Usage>;

/**
 * Add `usage` on `model` to the line `key` of `lines` (the line is created empty when new).
 * @example
 * ```ts
 * const byAgent = new Map<string, ModelUsage>();
 * addModelUsage(byAgent, 'support', 'gpt-4o', usage);
 * ```
 */
export function addModelUsage(lines: Map<string, ModelUsage>, key: string, model: string, usage: Usage): void {
  let line = lines.get(key);
  if (!line) lines.set(key, (line = new Map<string, Usage>()));
  line.set(model, addUsage(line.get(model) ?? zeroUsage(), usage));
}

/**
 * Price one line: its tokens summed over its models, and its cost summed over its models in name
 * order (so it never depends on the order the tokens came in); `costUsd` is undefined as soon as
 * one model has no price in the table (never a partial or guessed cost).
 * @example
 * ```ts
 * priceLine(new Map([['gpt-4o', usage], ['my-model', usage]]), DEFAULT_PRICES).costUsd; // undefined
 * ```
 */
export function priceLine(models: ReadonlyMap<string, Usage>, prices: PriceTable): UsageLine {
  let usage = zeroUsage();
  let cost: number | undefined = 0;
  for (const model of [...models.keys()].sort()) {
    const u = models.get(model)!;
    usage = addUsage(usage, u);
    const c = costUsd(model, u, prices);
    cost = c === undefined || cost === undefined ? undefined : cost + c;
  }
  return { usage, costUsd: cost };
}

/**
 * Price every line of `lines`, keyed as they are: in the map's order, or in key order with
 * `sorted` (so the result never depends on the order the tokens came in).
 * @example
 * ```ts
 * priceLines(byAgent, prices).support?.costUsd;
 * ```
 */
export function priceLines(lines: ReadonlyMap<string, ReadonlyMap<string, Usage>>, prices: PriceTable, sorted = false): Record<string, UsageLine> {
  const out: Record<string, UsageLine> = {};
  const keys = [...lines.keys()];
  for (const key of sorted ? keys.sort() : keys) out[key] = priceLine(lines.get(key)!, prices);
  return out;
}
