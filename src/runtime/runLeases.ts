import { ValidationError } from '../errors.js';
import { ownerId } from '../projections/runState.js';
import type { LeaseStore } from '../store/leases.js';
import { LeaseKeeper } from './leaseKeeper.js';
import { thisProcess } from './owner.js';
import type { RunHandle } from './runExecution.js';

/** Default lease length: how long a dead executor's runs wait before another process takes them. */
export const DEFAULT_LEASE_MS = 15_000;

/** A lease length from an option, else `AIGEN_LEASE_MS`, else {@link DEFAULT_LEASE_MS}. */
export function leaseMsOf(option: number | undefined, env: NodeJS.ProcessEnv): number {
  const raw = option ?? (env.AIGEN_LEASE_MS ? Number(env.AIGEN_LEASE_MS) : DEFAULT_LEASE_MS);
  if (!Number.isInteger(raw) || raw < 100) {
    throw new ValidationError(`lease length must be a whole number of milliseconds >= 100, got ${String(option ?? env.AIGEN_LEASE_MS)}`, {
      path: option === undefined ? 'AIGEN_LEASE_MS' : 'leaseMs',
    });
  }
  return raw;
}

/**
 * The leases of runs a process starts and executes itself (a plain `aigen run`, the server): held
 * as `host:pid` from the moment RunStarted is durable, renewed while the run works, given up when
 * it ends. Killed, the process leaves an expiring lease: the run shows `stalled` and a worker
 * continues it. A lost lease (another process took the run) stops the run without writing.
 */
export class RunLeases {
  private readonly keeper: LeaseKeeper;

  constructor(
    private readonly leases: LeaseStore,
    readonly leaseMs: number,
  ) {
    this.keeper = new LeaseKeeper(leases, ownerId(thisProcess()), leaseMs);
  }

  hold(handle: RunHandle, workflow: string): void {
    const holder = this.keeper.holderId;
    let ended = false;
    const held = handle.started.then(async () => {
      await this.leases.enqueue({ runId: handle.runId, workflow, holder, leaseMs: this.leaseMs });
      if (!ended) this.keeper.hold(handle.runId, (reason) => handle.abandon(reason));
    });
    const end = async () => {
      ended = true;
      this.keeper.drop(handle.runId);
      await held.catch(() => undefined);
      await this.leases.finish(handle.runId, holder);
    };
    // Without the lease table the run still executes; it just cannot be taken over when this process dies.
    handle.done.then(end, end).catch(() => undefined);
  }
}
