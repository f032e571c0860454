import type { PriceTable } from '../projections/api.js';
import type { RunCost } from '../projections/cost.js';
import type { CliContext } from './context.js';

/** The price table of this invocation: the built-in prices with the project file's `prices` over them. */
export async function cliPrices(ctx: CliContext): Promise<PriceTable> {
  return ctx.prices();
}

/** `$0.0123`, or `no price (model, …)` when a model has none. */
export function formatCost(costUsd: number | null | undefined, cost?: Pick<RunCost, 'unpriced'>): string {
  if (costUsd === undefined || costUsd === null) return `no price${cost && cost.unpriced.length > 0 ? ` (${cost.unpriced.join(', ')})` : ''}`;
  return `$${costUsd < 0.01 && costUsd > 0 ? costUsd.toPrecision(3) : costUsd.toFixed(4)}`;
}
