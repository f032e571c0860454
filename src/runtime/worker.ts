import { hostname } from 'node:os';
import type { Subscription } from 'rxjs';
import { ValidationError } from '../errors.js';
import type { EventData } from '../events/catalogue.js';
import { RUN_CATEGORY, runIdOfStream } from '../events/streams.js';
import { TERMINAL_EVENT_TYPES } from '../events/terminal.js';
import type { LeaseStore } from '../store/leases.js';
import type { WorkflowEngine } from './engine.js';
import { WorkersUnsupportedError } from './errors.js';
import { LeaseKeeper } from './leaseKeeper.js';
import { reconcileQueue } from './reconcile.js';
import { leaseMsOf } from './runLeases.js';
import { parkLease } from './parking.js';
import type { RunHandle } from './runExecution.js';

/** Where a worker reports what it does (a pino logger fits). */
export interface WorkerLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/** Options of {@link Worker}. */
export interface WorkerOptions {
  /** Default `host:pid`. */
  id?: string;
  /** Most runs in flight at once (default 8). */
  concurrency?: number;
  /** Only runs of these workflows (default: all). */
  workflows?: readonly string[];
  /** Lease length (default `AIGEN_LEASE_MS` or 15000). */
  leaseMs?: number;
  /** How long a drain lets in-flight runs finish before releasing them (default 30000). */
  drainTimeoutMs?: number;
  /** How often to look for runs whose lease expired (default a quarter of the lease, at most 1 s). */
  pollMs?: number;
  log?: WorkerLog;
}

const quiet: WorkerLog = { info: () => undefined, warn: () => undefined };

function positiveInt(value: number, path: string, min = 1): number {
  if (!Number.isInteger(value) || value < min) throw new ValidationError(`${path} must be a whole number >= ${min}, got ${String(value)}`, { path });
  return value;
}

/**
 * A process's share of the store's work: claims runnable runs (stalled and released runs first,
 * then queued ones oldest first, within its concurrency and every workflow's limit), executes
 * them under a lease it renews, and resumes a dead worker's runs from their log. `drain()` stops
 * claiming, lets in-flight runs finish up to the drain timeout, then releases the rest
 * (RunReleased) so another worker continues them at once.
 * @example
 * ```ts
 * const worker = new Worker(engine, { concurrency: 4 });
 * await worker.start();
 * process.once('SIGTERM', () => void worker.drain().then(() => process.exit(0)));
 * ```
 */
export class Worker {
  readonly id: string;
  readonly concurrency: number;
  readonly leaseMs: number;
  readonly drainTimeoutMs: number;
  private readonly leases: LeaseStore;
  private readonly keeper: LeaseKeeper;
  private readonly inFlight = new Map<string, { handle: RunHandle | undefined; ended: Promise<void> }>();
  private readonly log: WorkerLog;
  private readonly workflows: readonly string[] | undefined;
  private readonly pollMs: number;
  private draining = false;
  private stopped = false;
  private filling: Promise<void> | undefined;
  private again = false;
  private poll: NodeJS.Timeout | undefined;
  private wake: Subscription | undefined;

  constructor(
    private readonly engine: WorkflowEngine,
    options: WorkerOptions = {},
  ) {
    if (!engine.store.leases) throw new WorkersUnsupportedError(engine.store.kind);
    this.leases = engine.store.leases;
    this.id = options.id ?? `${hostname()}:${process.pid}`;
    if (this.id.trim() === '') throw new ValidationError('worker id must not be empty', { path: 'id' });
    this.concurrency = positiveInt(options.concurrency ?? 8, 'concurrency');
    this.leaseMs = leaseMsOf(options.leaseMs, process.env);
    this.drainTimeoutMs = positiveInt(options.drainTimeoutMs ?? 30_000, 'drainTimeoutMs', 0);
    this.pollMs = options.pollMs ?? Math.min(1000, Math.floor(this.leaseMs / 4));
    this.workflows = options.workflows && options.workflows.length > 0 ? options.workflows : undefined;
    this.log = options.log ?? quiet;
    this.keeper = new LeaseKeeper(this.leases, this.id, this.leaseMs, {
      keepTicking: true,
      onTick: () => this.heartbeat(),
      onError: (err) => this.log.warn({ err }, 'lease renewal failed'),
    });
  }

  /** Runs held now. */
  get held(): string[] {
    return [...this.inFlight.keys()];
  }

  /** Announce the worker, queue runs left behind, and start claiming. */
  async start(): Promise<void> {
    await this.heartbeat();
    this.keeper.ensureTimer();
    const queued = await reconcileQueue(this.engine.store, this.leases);
    if (queued > 0) this.log.info({ runs: queued }, 'queued runs left without a lease');
    this.wake = this.engine.store
      .subscribe({ from: 'end', filter: { streamPrefix: `${RUN_CATEGORY}-`, types: ['RunStarted', 'RunReleased', 'ApprovalDecided', 'SignalReceived', ...TERMINAL_EVENT_TYPES] } })
      .subscribe({
        next: (e) => {
          if (e.type === 'RunStarted') {
            const d = e.data as EventData<'RunStarted'>;
            if (!d.queued || d.parentRunId) return;
            // Idempotent: the submitter queues it too; whoever is first wins.
            void this.leases
              .enqueue({ runId: d.runId, workflow: d.workflow.name, limit: d.concurrency })
              .then(() => this.fill(), (err: unknown) => this.log.warn({ err, runId: runIdOfStream(e.streamId) }, 'queueing failed'));
            return;
          }
          void this.fill();
        },
        error: (err: unknown) => this.log.warn({ err }, 'store subscription failed; polling only'),
      });
    this.poll = setInterval(() => void this.fill(), Math.max(20, this.pollMs));
    this.poll.unref();
    this.log.info({ workerId: this.id, concurrency: this.concurrency, leaseMs: this.leaseMs, workflows: this.workflows ?? 'all' }, 'worker started');
    await this.fill();
  }

  /** Claim runs while there is room. Concurrent calls coalesce. */
  fill(): Promise<void> {
    if (this.filling) {
      this.again = true;
      return this.filling;
    }
    this.filling = (async () => {
      do {
        this.again = false;
        await this.claimSome().catch((err: unknown) => this.log.warn({ err }, 'claiming failed'));
      } while (this.again && !this.draining && !this.stopped);
    })().finally(() => (this.filling = undefined));
    return this.filling;
  }

  private async claimSome(): Promise<void> {
    if (this.draining || this.stopped) return;
    const room = this.concurrency - this.inFlight.size;
    if (room <= 0) return;
    const claimed = await this.leases.claim({ workerId: this.id, leaseMs: this.leaseMs, max: room, workflows: this.workflows });
    for (const c of claimed) this.execute(c.runId, c.resumed);
  }

  private execute(runId: string, resumed: boolean): void {
    const slot: { handle: RunHandle | undefined; ended: Promise<void> } = { handle: undefined, ended: Promise.resolve() };
    this.inFlight.set(runId, slot);
    slot.ended = (async () => {
      try {
        const outcome = await this.engine.executeClaimed(runId, { workerId: this.id, leaseMs: this.leaseMs });
        if (outcome.kind !== 'running') {
          this.log.info({ runId, outcome: outcome.kind, ...(outcome.kind === 'failed' ? { error: outcome.message } : {}) }, 'run not executed');
          if (outcome.kind === 'busy') await this.leases.release(runId, this.id);
          else await this.leases.finish(runId, this.id);
          return;
        }
        slot.handle = outcome.handle;
        this.keeper.hold(runId, (reason) => {
          this.log.warn({ runId, reason }, 'lease lost; abandoning the run');
          outcome.handle.abandon(reason);
        });
        this.log.info({ runId, resumed }, 'run claimed');
        const result = await outcome.handle.done;
        const code = result.error?.code;
        if (result.status === 'waiting') {
          await parkLease(this.engine.store, this.leases, { runId, workflow: result.workflow, holder: this.id, waitingFor: result.waitingFor ?? [] });
          this.log.info({ runId, waitingFor: (result.waitingFor ?? []).map((w) => `${w.kind} ${w.id}`) }, 'run waiting');
        } else if (code === 'RUN_RELEASED') {
          await this.leases.release(runId, this.id);
          this.log.info({ runId }, 'run released');
        } else if (code === 'LEASE_LOST' || code === 'WRONG_EXPECTED_VERSION') {
          // Fenced: another process holds the run; its row is theirs.
          this.log.warn({ runId, code }, 'run abandoned: another process holds it');
        } else {
          await this.leases.finish(runId, this.id);
          // A run that could not go on (its log and this code diverged, say) says why.
          if (result.error && result.status === 'failed') this.log.warn({ runId, status: result.status, code: code, error: result.error.message }, 'run ended');
          else this.log.info({ runId, status: result.status }, 'run ended');
        }
      } catch (err) {
        this.log.warn({ err, runId }, 'run could not be executed');
        await this.leases.release(runId, this.id).catch(() => undefined);
      } finally {
        this.keeper.drop(runId);
        this.inFlight.delete(runId);
        if (!this.draining && !this.stopped) void this.fill();
      }
    })();
  }

  private async heartbeat(): Promise<void> {
    if (this.stopped) return;
    await this.leases.heartbeat(
      { id: this.id, host: hostname(), pid: process.pid, concurrency: this.concurrency, held: this.inFlight.size, draining: this.draining },
      this.leaseMs,
    );
  }

  /**
   * Stop claiming, let in-flight runs finish for up to the drain timeout, then release every run
   * still held (RunReleased, lease given back) and leave. Resolves when nothing is held.
   */
  async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    this.stopWaking();
    this.log.info({ workerId: this.id, inFlight: this.inFlight.size, drainTimeoutMs: this.drainTimeoutMs }, 'draining');
    await this.heartbeat().catch(() => undefined);
    const all = () => Promise.all([...this.inFlight.values()].map((s) => s.ended));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([all(), new Promise<void>((r) => (timer = setTimeout(r, this.drainTimeoutMs)))]);
    clearTimeout(timer);
    for (const [runId, slot] of this.inFlight) {
      this.log.info({ runId }, 'releasing run');
      void slot.handle?.release(this.id, 'worker draining');
    }
    await all();
    await this.stop();
  }

  /** Stop at once (runs still held keep their leases until they expire). */
  async stop(): Promise<void> {
    this.stopWaking();
    this.stopped = true;
    this.keeper.stop();
    await this.leases.removeWorker(this.id).catch(() => undefined);
  }

  private stopWaking(): void {
    this.wake?.unsubscribe();
    this.wake = undefined;
    if (this.poll) clearInterval(this.poll);
    this.poll = undefined;
  }
}
