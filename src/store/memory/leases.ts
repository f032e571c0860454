import { PARKED_UNTIL_WOKEN, type Claimed, type ClaimRequest, type EnqueueRequest, type LeaseStore, type ParkRequest, type RunLease, type WorkerInfo, type WorkerRecord } from '../leases.js';

interface Row {
  runId: string;
  workflow: string;
  limit: number | undefined;
  holder: string | undefined;
  expiresAt: number | undefined;
  enqueuedAt: number;
  seq: number;
  claims: number;
  /** Not claimable before (epoch ms); undefined: not parked. */
  notBefore: number | undefined;
}

/** Leases of one process's memory store (`memory:`): one process, so no worker can share it. */
export class MemoryLeases implements LeaseStore {
  private readonly runs = new Map<string, Row>();
  private readonly workerRows = new Map<string, WorkerRecord>();
  private seq = 0;

  constructor(private readonly now: () => number = Date.now) {}

  enqueue(r: EnqueueRequest): Promise<void> {
    if (!this.runs.has(r.runId)) {
      const now = this.now();
      this.runs.set(r.runId, {
        runId: r.runId,
        workflow: r.workflow,
        limit: r.limit,
        holder: r.holder,
        expiresAt: r.holder ? now + (r.leaseMs ?? 0) : undefined,
        enqueuedAt: now,
        seq: this.seq++,
        claims: r.holder ? 1 : 0,
        notBefore: undefined,
      });
    }
    return Promise.resolve();
  }

  claim(r: ClaimRequest): Promise<Claimed[]> {
    const now = this.now();
    const out: Claimed[] = [];
    const live = (row: Row) => row.holder !== undefined && (row.expiresAt ?? 0) >= now;
    const byAge = [...this.runs.values()]
      .filter((row) => !live(row) && (row.notBefore === undefined || row.notBefore <= now) && (!r.workflows || r.workflows.includes(row.workflow)))
      .sort((a, b) => a.enqueuedAt - b.enqueuedAt || a.seq - b.seq);
    // Each workflow's oldest run, then each one's second oldest, …: fair across workflows.
    const turns = new Map<string, number>();
    const turn = new Map(byAge.map((row) => {
      const key = `${row.claims === 0}:${row.workflow}`;
      const n = (turns.get(key) ?? 0) + 1;
      turns.set(key, n);
      return [row, n] as const;
    }));
    const candidates = byAge.sort((a, b) => Number(a.claims === 0) - Number(b.claims === 0) || turn.get(a)! - turn.get(b)! || a.enqueuedAt - b.enqueuedAt || a.seq - b.seq);
    for (const row of candidates) {
      if (out.length >= r.max) break;
      if (row.limit !== undefined && [...this.runs.values()].filter((o) => o.workflow === row.workflow && live(o)).length >= row.limit) continue;
      out.push({ runId: row.runId, workflow: row.workflow, resumed: row.claims > 0 });
      Object.assign(row, { holder: r.workerId, expiresAt: now + r.leaseMs, claims: row.claims + 1, notBefore: undefined });
    }
    return Promise.resolve(out);
  }

  renew(workerId: string, runIds: readonly string[], leaseMs: number): Promise<string[]> {
    const held: string[] = [];
    for (const id of runIds) {
      const row = this.runs.get(id);
      if (row?.holder !== workerId) continue;
      row.expiresAt = this.now() + leaseMs;
      held.push(id);
    }
    return Promise.resolve(held);
  }

  release(runId: string, workerId: string): Promise<void> {
    const row = this.runs.get(runId);
    if (row?.holder === workerId) Object.assign(row, { holder: undefined, expiresAt: undefined });
    return Promise.resolve();
  }

  async park(r: ParkRequest): Promise<void> {
    await this.enqueue({ runId: r.runId, workflow: r.workflow, limit: r.limit });
    const row = this.runs.get(r.runId)!;
    if (r.holder !== undefined && row.holder !== undefined && row.holder !== r.holder) return;
    Object.assign(row, { holder: undefined, expiresAt: undefined, notBefore: r.wakeAt ?? PARKED_UNTIL_WOKEN });
  }

  wake(runId: string): Promise<void> {
    const row = this.runs.get(runId);
    if (row) row.notBefore = undefined;
    return Promise.resolve();
  }

  finish(runId: string, workerId?: string): Promise<void> {
    const row = this.runs.get(runId);
    if (row && (workerId === undefined || row.holder === workerId)) this.runs.delete(runId);
    return Promise.resolve();
  }

  leases(runIds?: readonly string[]): Promise<RunLease[]> {
    const now = this.now();
    const rows = runIds ? runIds.flatMap((id) => this.runs.get(id) ?? []) : [...this.runs.values()];
    return Promise.resolve(
      rows.map((row) => ({
        runId: row.runId,
        workflow: row.workflow,
        holder: row.holder,
        expiresAt: row.expiresAt,
        live: row.holder !== undefined && (row.expiresAt ?? 0) >= now,
        enqueuedAt: row.enqueuedAt,
        claims: row.claims,
        parked: row.notBefore !== undefined,
        wakeAt: row.notBefore === PARKED_UNTIL_WOKEN ? undefined : row.notBefore,
      })),
    );
  }

  heartbeat(worker: WorkerInfo, ttlMs: number): Promise<void> {
    const now = this.now();
    this.workerRows.set(worker.id, { ...worker, heartbeatAt: now, expiresAt: now + ttlMs });
    return Promise.resolve();
  }

  removeWorker(workerId: string): Promise<void> {
    this.workerRows.delete(workerId);
    return Promise.resolve();
  }

  workers(): Promise<WorkerRecord[]> {
    const now = this.now();
    return Promise.resolve([...this.workerRows.values()].filter((w) => w.expiresAt >= now));
  }
}
