import { SimulatedClock as XStateSimulatedClock } from 'xstate';
import type { Clock } from '../runtime/clock.js';

/**
 * A clock that only moves when told to: retry backoff (XState delayed transitions) and step
 * timeouts fire on `increment(ms)`.
 * @example
 * ```ts
 * const clock = new SimulatedClock();
 * const engine = new WorkflowEngine({ store, clock, retryDelayMs: 1000 });
 * clock.increment(1000); // the first retry fires
 * ```
 */
export class SimulatedClock extends XStateSimulatedClock implements Clock {
  /** Every delay ever scheduled, in order (what a test checks backoff against). */
  readonly scheduled: number[] = [];

  override setTimeout(fn: (...args: unknown[]) => void, timeout: number): number {
    this.scheduled.push(timeout);
    return super.setTimeout(fn, timeout);
  }

  /** Advance time step by step until `predicate()` holds, yielding to I/O between steps. */
  async advanceUntil(predicate: () => boolean, stepMs: number, maxSteps = 1000): Promise<void> {
    for (let i = 0; i < maxSteps && !predicate(); i++) {
      await new Promise((r) => setImmediate(r));
      this.increment(stepMs);
    }
  }
}
