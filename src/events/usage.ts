import type { Usage } from './common.js';

// Usage arithmetic lives apart from the zod schemas so that the browser bundle of the run-state
// reducer stays free of zod.

/** An empty usage record, the identity for {@link addUsage}. */
export const zeroUsage = (): Usage => ({ requests: 0, inputTokens: 0, outputTokens: 0, totalTokens: 0 });

/** `a` less `b` (what remains once a part counted in `a` is taken back out). */
export function subtractUsage(a: Usage, b: Usage): Usage {
  return {
    requests: a.requests - b.requests,
    inputTokens: a.inputTokens - b.inputTokens,
    outputTokens: a.outputTokens - b.outputTokens,
    totalTokens: a.totalTokens - b.totalTokens,
  };
}

/** Sum two usage records. */
export function addUsage(a: Usage, b: Usage): Usage {
  return {
    requests: a.requests + b.requests,
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    totalTokens: a.totalTokens + b.totalTokens,
  };
}
