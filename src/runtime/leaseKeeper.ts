import type { LeaseStore } from '../store/leases.js';

/**
 * Renews the leases one executor holds, every third of the lease, with one statement for all
 * its runs. A run whose lease another process has taken is dropped and `onLost` is called: the
 * executor stops it without writing (its next append would fail anyway).
 */
export class LeaseKeeper {
  private readonly held = new Map<string, (reason: string) => void>();
  private timer: NodeJS.Timeout | undefined;
  private renewing: Promise<void> | undefined;

  constructor(
    private readonly leases: LeaseStore,
    readonly holderId: string,
    readonly leaseMs: number,
    private readonly hooks: { onTick?: () => Promise<void>; onError?: (err: unknown) => void; keepTicking?: boolean } = {},
  ) {}

  /** Runs held now. */
  get runIds(): string[] {
    return [...this.held.keys()];
  }

  /** Keep renewing `runId` until {@link drop}; `onLost` when another process took it. */
  hold(runId: string, onLost: (reason: string) => void): void {
    this.held.set(runId, onLost);
    this.ensureTimer();
  }

  drop(runId: string): void {
    this.held.delete(runId);
    if (this.held.size === 0 && !this.hooks.keepTicking) this.stop();
  }

  /** Start ticking even with no run held (a worker's heartbeat). */
  ensureTimer(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), Math.max(50, Math.floor(this.leaseMs / 3)));
    this.timer.unref();
  }

  /** Renew now (and run the tick hook); resolves when done. Never throws. */
  tick(): Promise<void> {
    this.renewing ??= this.renew().finally(() => (this.renewing = undefined));
    return this.renewing;
  }

  private async renew(): Promise<void> {
    try {
      const ids = this.runIds;
      if (ids.length > 0) {
        const still = new Set(await this.leases.renew(this.holderId, ids, this.leaseMs));
        for (const id of ids) {
          const onLost = this.held.get(id);
          if (still.has(id) || !onLost) continue;
          this.held.delete(id);
          onLost(`lease of run ${id} lost: another process holds it now`);
        }
      }
      await this.hooks.onTick?.();
    } catch (err) {
      // The database is unreachable: keep working; a lease that expires meanwhile fences this process.
      this.hooks.onError?.(err);
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
