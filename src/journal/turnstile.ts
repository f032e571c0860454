/**
 * Lets concurrent work pass in a recorded order. Ids named in `order` pass one after another in
 * that order; ids the order does not name pass only after all of those. Re-execution uses it so
 * that parallel branches record their ChildRunStarted / ChildRunFinished (and so the parent's
 * state changes) in the order the log has them. `pass(id)` may come early (a branch that failed
 * before its turn): its slot is then skipped when reached, so nobody waits for it forever.
 * @example
 * ```ts
 * const gate = new Turnstile(['run-1.a', 'run-1.b']);
 * await gate.wait('run-1.b'); // resolves after gate.pass('run-1.a')
 * ```
 */
export class Turnstile {
  private next = 0;
  private readonly passed = new Set<string>();
  private waiters: Array<() => void> = [];

  constructor(private readonly order: readonly string[]) {}

  /** Resolves when `id` may pass. */
  async wait(id: string): Promise<void> {
    const slot = this.order.indexOf(id);
    const target = slot < 0 ? this.order.length : slot;
    while (this.next < target) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  /** Mark `id` as passed (now or, if early, when its turn comes), letting the next ones go. */
  pass(id: string): void {
    this.passed.add(id);
    const before = this.next;
    while (this.next < this.order.length && this.passed.has(this.order[this.next]!)) this.next += 1;
    if (this.next === before) return;
    const waiting = this.waiters;
    this.waiters = [];
    for (const wake of waiting) wake();
  }
}
