import type { RunRow } from '../projections/api.js';
import type { RunLifecycle } from '../projections/status.js';
import type { EventStore } from '../store/eventStore.js';

const IN_FLIGHT: ReadonlySet<RunLifecycle> = new Set(['running', 'retrying']);

/**
 * Runs as the views show them: the fold says `running`, the lease table says whether anyone
 * still works on it. A `running` run whose lease expired is `stalled` (its process died and no
 * worker has taken it yet); `worker` is the holder of its lease. Stores without leases
 * (KurrentDB) and runs without a lease row (recorded before leases) are shown as folded.
 * @example
 * ```ts
 * const [row] = await withLiveness(store, await projections.runs({}).then((p) => p.rows));
 * row.status; // 'stalled'
 * ```
 */
export async function withLiveness<T extends { runId: string; status: RunLifecycle; worker?: string | undefined }>(store: EventStore, rows: readonly T[]): Promise<T[]> {
  const leases = store.leases;
  const open = rows.filter((r) => IN_FLIGHT.has(r.status));
  if (!leases || open.length === 0) return [...rows];
  const byRun = new Map((await leases.leases(open.map((r) => r.runId))).map((l) => [l.runId, l]));
  return rows.map((r) => {
    const lease = IN_FLIGHT.has(r.status) ? byRun.get(r.runId) : undefined;
    if (!lease?.holder) return r;
    return { ...r, worker: lease.holder, ...(lease.live ? {} : { status: 'stalled' as const }) };
  });
}

/** One run with {@link withLiveness}. */
export async function oneWithLiveness<T extends { runId: string; status: RunLifecycle; worker?: string | undefined }>(store: EventStore, row: T): Promise<T> {
  return (await withLiveness(store, [row]))[0]!;
}

/** A runs-list page with liveness; a `stalled` filter reads `running` runs and keeps the stalled ones. */
export async function runsWithLiveness(
  store: EventStore,
  status: RunLifecycle | undefined,
  read: (status: RunLifecycle | undefined) => Promise<RunRow[]>,
): Promise<Array<RunRow & { worker?: string | undefined }>> {
  if (status === 'stalled') return (await withLiveness(store, await read('running'))).filter((r) => r.status === 'stalled');
  const rows = await withLiveness(store, await read(status));
  return status === 'running' ? rows.filter((r) => r.status === 'running') : rows;
}
