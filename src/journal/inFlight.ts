/**
 * The live tool calls of one run that are still running. A run that parks (one parallel call
 * waits for approval) lets its siblings finish first, so their results are recorded and no
 * call that already ran runs again when the run continues.
 * @example
 * ```ts
 * const calls = new InFlightCalls();
 * const out = await calls.track(liveToolCall());
 * await calls.settled(); // resolves once no tracked call runs
 * ```
 */
export class InFlightCalls {
  private readonly running = new Set<Promise<unknown>>();

  /** Track `call` until it settles; returns it unchanged. */
  track<T>(call: Promise<T>): Promise<T> {
    this.running.add(call);
    const drop = () => void this.running.delete(call);
    call.then(drop, drop);
    return call;
  }

  /** Resolves once no tracked call is running (calls started meanwhile included). */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }
}
