import type { NormalizedRunsQuery, RunRecord } from '../runsList.js';
import type { UsageRow } from '../usage.js';
import type { BeforeCheckpointHook, ProjectionError, StoredRunViews, ViewCommit, ViewMeta, ViewStore } from '../viewStore.js';
import { CheckpointConflictError } from '../errors.js';
import { SortedKeys } from './sortedKeys.js';

/** Everything a memory view store holds; kept per event store so reopened projections continue. */
export class MemoryViewData {
  meta: ViewMeta = { checkpoint: undefined, versions: undefined };
  views = new Map<string, StoredRunViews>();
  runs = new Map<string, RunRecord>();
  usage = new Map<string, UsageRow[]>();
  errors: ProjectionError[] = [];
  /** Runs-list indexes by name (`all`, `status:<s>`, `workflow:<w>`, `workflow_status:<w>\0<s>`), keys `startedAt\0runId`. */
  indexes = new Map<string, SortedKeys>();
  ids = new SortedKeys();
  forks = new Map<string, Array<{ runId: string; position: number }>>();
  /** Run ids by their top-level run. */
  trees = new Map<string, Set<string>>();
}

const key = (r: { startedAt: string; runId: string }) => `${r.startedAt}\u0000${r.runId}`;

function indexNames(r: RunRecord): string[] {
  return ['started', `status:${r.status}`, `workflow:${r.workflow}`, `workflow_status:${r.workflow}\u0000${r.status}`];
}

/** The index a query walks: the most selective one its filters allow. */
function indexFor(q: NormalizedRunsQuery): string {
  if (q.workflow !== undefined && q.status !== undefined) return `workflow_status:${q.workflow}\u0000${q.status}`;
  if (q.workflow !== undefined) return `workflow:${q.workflow}`;
  if (q.status !== undefined) return `status:${q.status}`;
  return 'started';
}

/**
 * Views in this process's memory, for `memory:` stores. A commit is checked, then applied in one
 * synchronous step, so a failure before it leaves nothing half-written.
 * @example
 * ```ts
 * const views = new MemoryViewStore(new MemoryViewData());
 * ```
 */
export class MemoryViewStore implements ViewStore {
  readonly kind = 'memory';
  constructor(private readonly data: MemoryViewData) {}

  readMeta(): Promise<ViewMeta> {
    return Promise.resolve({ ...this.data.meta });
  }

  loadRuns(runIds: readonly string[]): Promise<Map<string, StoredRunViews>> {
    const out = new Map<string, StoredRunViews>();
    for (const id of runIds) {
      const v = this.data.views.get(id);
      if (v) out.set(id, v);
    }
    return Promise.resolve(out);
  }

  async commit(batch: ViewCommit, beforeCheckpoint?: BeforeCheckpointHook): Promise<void> {
    const d = this.data;
    if (d.meta.checkpoint !== batch.expected) throw new CheckpointConflictError(batch.expected, d.meta.checkpoint);
    await beforeCheckpoint?.();
    if (d.meta.checkpoint !== batch.expected) throw new CheckpointConflictError(batch.expected, d.meta.checkpoint);
    for (const w of batch.runs) {
      d.views.set(w.runId, w.views);
      this.putRun(w.row);
      if (w.usage) d.usage.set(w.runId, w.usage);
    }
    d.errors.push(...batch.errors);
    d.meta = { ...d.meta, checkpoint: batch.checkpoint };
  }

  private putRun(r: RunRecord): void {
    const d = this.data;
    const old = d.runs.get(r.runId);
    if (old) for (const name of indexNames(old)) d.indexes.get(name)?.delete(key(old));
    else {
      d.ids.add(r.runId);
      this.plant(r);
    }
    d.runs.set(r.runId, r);
    for (const name of indexNames(r)) {
      let index = d.indexes.get(name);
      if (!index) d.indexes.set(name, (index = new SortedKeys()));
      index.add(key(r));
    }
  }

  /** File a new run under its top-level run, and under the run it forks when it is a fork. */
  private plant(r: RunRecord): void {
    const d = this.data;
    const tree = d.trees.get(r.rootRunId);
    if (tree) tree.add(r.runId);
    else d.trees.set(r.rootRunId, new Set([r.runId]));
    if (r.forkOf) d.forks.set(r.forkOf.runId, [...(d.forks.get(r.forkOf.runId) ?? []), { runId: r.runId, position: r.forkOf.position }]);
  }

  reset(versions: Record<string, number>): Promise<void> {
    const fresh = new MemoryViewData();
    Object.assign(this.data, fresh, { meta: { checkpoint: undefined, versions } });
    return Promise.resolve();
  }

  status(runId: string): Promise<string | undefined> {
    return Promise.resolve(this.data.views.get(runId)?.status);
  }

  trace(runId: string): Promise<string | undefined> {
    return Promise.resolve(this.data.views.get(runId)?.trace);
  }

  forksOf(runId: string): Promise<Array<{ runId: string; position: number }>> {
    const forks = [...(this.data.forks.get(runId) ?? [])];
    return Promise.resolve(forks.sort((a, b) => a.position - b.position || (a.runId < b.runId ? -1 : 1)));
  }

  queryRuns(q: NormalizedRunsQuery): Promise<RunRecord[]> {
    const out: RunRecord[] = [];
    const index = this.data.indexes.get(indexFor(q));
    for (const k of index?.descending(q.after && key(q.after)) ?? []) {
      if (out.length > q.limit) break;
      const r = this.data.runs.get(k.slice(k.indexOf('\u0000') + 1))!;
      if (!q.rootOnly || r.parentRunId === undefined) out.push(r);
    }
    return Promise.resolve(out);
  }

  explainRuns(q: NormalizedRunsQuery): Promise<string> {
    return Promise.resolve(`walk index ${indexFor(q).split(':')[0]!} descending${q.rootOnly ? ', filter parent_run_id IS NULL' : ''}`);
  }

  runTrees(rootRunIds: readonly string[]): Promise<RunRecord[]> {
    const out: RunRecord[] = [];
    for (const root of rootRunIds) for (const id of this.data.trees.get(root) ?? []) out.push(this.data.runs.get(id)!);
    return Promise.resolve(out);
  }

  usageRows(runId?: string): Promise<UsageRow[]> {
    const all = [...this.data.usage.values()].flat();
    return Promise.resolve(runId === undefined ? all : all.filter((r) => r.runId === runId || r.rootRunId === runId));
  }

  matchRunIds(prefix: string, limit: number): Promise<string[]> {
    const out: string[] = [];
    if (this.data.ids.size > 0 && this.data.runs.has(prefix)) out.push(prefix);
    for (const id of this.data.ids.withPrefix(prefix)) {
      if (out.length >= limit) break;
      if (id !== prefix) out.push(id);
    }
    return Promise.resolve(out);
  }

  errors(): Promise<ProjectionError[]> {
    return Promise.resolve([...this.data.errors]);
  }

  bulkInsertRuns(rows: readonly RunRecord[]): Promise<void> {
    const d = this.data;
    const byIndex = new Map<string, string[]>();
    for (const r of rows) {
      d.runs.set(r.runId, r);
      this.plant(r);
      for (const name of indexNames(r)) {
        const list = byIndex.get(name) ?? [];
        list.push(key(r));
        byIndex.set(name, list);
      }
    }
    for (const [name, keys] of byIndex) {
      const index = d.indexes.get(name) ?? new SortedKeys();
      index.addAll(keys);
      d.indexes.set(name, index);
    }
    d.ids.addAll(rows.map((r) => r.runId));
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
