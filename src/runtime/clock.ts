/**
 * Time as the runtime sees it. XState's delayed transitions (retry backoff) and step timeouts
 * use it, so tests can drive time with `SimulatedClock` from `aigen/testing`.
 */
export interface Clock {
  now(): number;
  setTimeout(fn: (...args: unknown[]) => void, timeout: number): unknown;
  clearTimeout(id: unknown): void;
}

/**
 * The real clock.
 * @example
 * ```ts
 * new WorkflowEngine({ store, clock: systemClock });
 * ```
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, timeout) => setTimeout(fn, timeout),
  clearTimeout: (id) => clearTimeout(id as NodeJS.Timeout),
};
