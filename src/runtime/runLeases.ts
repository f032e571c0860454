import { ValidationError } from '../errors.js';
import { ownerId } from '../projections/runState.js';
import type { LeaseStore } from '../store/leases.js';
import { LeaseKeeper } from './leaseKeeper.js';
import { thisProcess } from './owner.js';
import type { EventStore } from '../store/eventStore.js';
import { parkLease } from './parking.js';
import type { ExecuteResult, RunHandle } from './runExecution.js';

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
 * continues it. A lost lease (another process took the run) stops the run without writing. A run
 * that parks (waits for a decision or a timer) gives its lease up and stays queued, parked.
 */
export class RunLeases {
  private readonly keeper: LeaseKeeper;

  constructor(
    private readonly store: EventStore,
    private readonly leases: LeaseStore,
    readonly leaseMs: number,
  ) {
    this.keeper = new LeaseKeeper(leases, ownerId(thisProcess()), leaseMs);
  }

  /**
   * Hold `handle`'s run under a lease until it ends; the returned `done` resolves as the run's
   * does, once its row is gone (or parked, when the run waits).
   */
  hold(handle: RunHandle, workflow: string): Promise<ExecuteResult> {
    const holder = this.keeper.holderId;
    let ended = false;
    const held = handle.started.then(async () => {
      await this.leases.enqueue({ runId: handle.runId, workflow, holder, leaseMs: this.leaseMs });
      if (!ended) this.keeper.hold(handle.runId, (reason) => handle.abandon(reason));
    });
    const end = async (result?: ExecuteResult) => {
      ended = true;
      this.keeper.drop(handle.runId);
      await held.catch(() => undefined);
      // A parked run keeps its row, unclaimable until a decision or its timer wakes it.
      if (result?.status === 'waiting') await parkLease(this.store, this.leases, { runId: handle.runId, workflow, holder, waitingFor: result.waitingFor ?? [] });
      else await this.leases.finish(handle.runId, holder);
    };
    // Without the lease table the run still executes; it just cannot be taken over when this process dies.
    return handle.done.then(
      (result) => end(result).then(() => result, () => result),
      async (err: unknown) => {
        await end().catch(() => undefined);
        throw err;
      },
    );
  }
}
