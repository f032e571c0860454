/**
 * The lease port: which process executes which run, and which workers are alive. It lives beside
 * the events (a table in the same SQLite file or PostgreSQL schema; in-process for `memory:`) and
 * is written without an event per heartbeat. A run's claim is also recorded in its stream
 * (`RunClaimed`, under `expectedVersion`): the lease says who may work on a run now; the stream's
 * version fences a process that lost its lease, since its next append fails.
 */

/** A run waiting for, or held by, an executor. */
export interface RunLease {
  runId: string;
  workflow: string;
  /** Worker holding the run; `undefined` while it waits to be claimed. */
  holder: string | undefined;
  /** Epoch ms at which the holder's lease ends unless renewed. */
  expiresAt: number | undefined;
  /** Whether a holder's lease is still running (`false` with a holder: stalled). */
  live: boolean;
  /** When the run was queued (epoch ms): claims go oldest first. */
  enqueuedAt: number;
  /** How many times the run has been claimed. */
  claims: number;
  /** The run waits (parked): nobody may claim it before `wakeAt`, or at all while that is undefined. */
  parked: boolean;
  /** Epoch ms from which a parked run is claimable again (its earliest timer). */
  wakeAt: number | undefined;
}

/** A run handed to a worker by {@link LeaseStore.claim}. */
export interface Claimed {
  runId: string;
  workflow: string;
  /** True when an earlier holder's lease expired or it released the run (resume from its log). */
  resumed: boolean;
}

/** A worker process, as it announces itself with every heartbeat. */
export interface WorkerInfo {
  id: string;
  host: string;
  pid: number;
  concurrency: number;
  /** Runs it holds now. */
  held: number;
  draining: boolean;
}

/** A live worker: its last heartbeat and when it counts as dead without another. */
export interface WorkerRecord extends WorkerInfo {
  heartbeatAt: number;
  expiresAt: number;
}

/** What {@link LeaseStore.enqueue} records. */
export interface EnqueueRequest {
  runId: string;
  workflow: string;
  /** Most runs of this workflow executing at once across all workers. */
  limit?: number | undefined;
  /** Held from the start by this executor (a run executed by the process that started it). */
  holder?: string | undefined;
  leaseMs?: number | undefined;
}

/** What {@link LeaseStore.park} records. */
export interface ParkRequest {
  runId: string;
  workflow: string;
  limit?: number | undefined;
  /** Only if this executor holds the run (or nobody does). */
  holder?: string | undefined;
  /** Epoch ms the run becomes claimable by itself (a timer); never when omitted (until woken). */
  wakeAt?: number | undefined;
}

/** `not_before` of a run parked until it is woken. */
export const PARKED_UNTIL_WOKEN = 8_640_000_000_000_000;

/** Which runs {@link LeaseStore.claim} may hand out. */
export interface ClaimRequest {
  workerId: string;
  leaseMs: number;
  /** At most this many runs. */
  max: number;
  /** Only runs of these workflows (all when omitted). */
  workflows?: readonly string[] | undefined;
}

/**
 * Leases of runs and heartbeats of workers. Every method is atomic across processes.
 * @example
 * ```ts
 * const leases = store.leases!;
 * await leases.enqueue({ runId, workflow: 'content_generation' });
 * const [run] = await leases.claim({ workerId: 'w1', leaseMs: 15000, max: 1 });
 * ```
 */
export interface LeaseStore {
  /** Queue a run (idempotent: a run already known keeps its row). */
  enqueue(request: EnqueueRequest): Promise<void>;
  /**
   * Hand up to `max` runnable runs to a worker (parked runs only once their wake time passed):
   * runs whose holder's lease expired or that were released first, then queued runs oldest first, taking turns across workflows (each
   * workflow's oldest, then each one's second oldest, …); never past a workflow's limit.
   */
  claim(request: ClaimRequest): Promise<Claimed[]>;
  /** Extend the leases of `runIds` that `workerId` still holds; returns those it holds. */
  renew(workerId: string, runIds: readonly string[], leaseMs: number): Promise<string[]>;
  /** Give a run back to the queue at once (a draining worker); only its holder can. */
  release(runId: string, workerId: string): Promise<void>;
  /**
   * A run waits: give up its lease and keep it unclaimable until `wakeAt` (or until
   * {@link LeaseStore.wake}). Queues the run parked when it has no row yet.
   */
  park(request: ParkRequest): Promise<void>;
  /** A parked run can go on (a decision, a signal): claimable at once. */
  wake(runId: string): Promise<void>;
  /** Forget a run that ended (or that has no stream). With `workerId`, only if it holds it. */
  finish(runId: string, workerId?: string): Promise<void>;
  /** Leases of these runs (of every known run when omitted). */
  leases(runIds?: readonly string[]): Promise<RunLease[]>;
  /** Announce a worker alive until `ttlMs` from now. */
  heartbeat(worker: WorkerInfo, ttlMs: number): Promise<void>;
  /** Remove a worker (it exits). */
  removeWorker(workerId: string): Promise<void>;
  /** Workers whose heartbeat has not expired. */
  workers(): Promise<WorkerRecord[]>;
}

/** The store supports workers: it has a lease table. */
export function hasLeases<T extends { leases?: LeaseStore | undefined }>(store: T): store is T & { leases: LeaseStore } {
  return store.leases !== undefined;
}
