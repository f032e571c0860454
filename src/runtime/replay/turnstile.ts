/**
 * Lets concurrent work pass in a recorded order. Ids named in `order` pass one after another in
 * that order; ids the order does not name pass only after all of those. Re-execution uses it so
 * that parallel branches record their ChildRunStarted / ChildRunFinished (and so the parent's
 * state changes) in the order the log has them.
 * @example
 * ```ts
 * const gate = new Turnstile(['run-1.a', 'run-1.b']);
 * await gate.wait('run-1.b'); // resolves after gate.pass('run-1.a')
 * ```
 */
export class Turnstile {
  private next = 0;
  private waiters: Array<() => void> = [];

  constructor(private readonly order: readonly string[]) {}

  /** Resolves when `id` may pass. */
  async wait(id: string): Promise<void> {
    const slot = this.order.indexOf(id);
    const target = slot < 0 ? this.order.length : slot;
    while (this.next < target) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  /** Mark `id` as passed, letting the next one go. */
  pass(id: string): void {
    if (this.order[this.next] !== id) return;
    this.next += 1;
    const waiting = this.waiters;
    this.waiters = [];
    for (const wake of waiting) wake();
  }
}
