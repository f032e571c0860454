import type { RecordedEvent } from '../events/envelope.js';
import { foldRunState, type RunState } from '../projections/runState.js';
import type { EventStore } from '../store/eventStore.js';
import type { LeaseStore } from '../store/leases.js';
import type { ParkedWait } from '../journal/waits.js';
import { readRunLog } from './runLog.js';

const WAIT_REQUESTS: ReadonlySet<string> = new Set(['ApprovalRequested', 'SignalAwaited', 'TimerStarted', 'BranchParked']);

/**
 * Whether a run is parked: it waits (`waiting`), or its waits ended and nobody continued it yet
 * (`queued` after a wait). No process holds a parked run, so continuing it needs no check of
 * its last process.
 */
export function isParked(state: RunState, log: readonly RecordedEvent[]): boolean {
  if (state.status === 'waiting') return true;
  return state.status === 'queued' && log.some((e) => WAIT_REQUESTS.has(e.type));
}

/** The earliest due time (epoch ms) among what a run waits for: when it can go on by itself. */
export function wakeAtOf(waits: readonly Pick<ParkedWait, 'dueAt'>[]): number | undefined {
  const due = waits.flatMap((w) => (w.dueAt === undefined ? [] : [Date.parse(w.dueAt)]));
  return due.length > 0 ? Math.min(...due) : undefined;
}

/**
 * Whether a run, or one of its parallel branches still under way, waits (or had waits decided
 * that nobody continued yet): then no process holds it, and the run as a whole is parked.
 */
export async function parkedAnywhere(store: EventStore, log: readonly RecordedEvent[]): Promise<boolean> {
  const state = foldRunState(log);
  if (isParked(state, log)) return true;
  if (state.endedAt !== undefined) return false;
  for (const child of state.childRuns) {
    if (child.status !== 'running') continue;
    if (await parkedAnywhere(store, await readRunLog(store, child.childRunId, { allowMissing: true }))) return true;
  }
  return false;
}

/** Whether a run, or one of its parallel branches still under way, waits for something now. */
export async function waitsAnywhere(store: EventStore, runId: string): Promise<boolean> {
  const state = foldRunState(await readRunLog(store, runId, { allowMissing: true }));
  if (state.status === 'waiting') return true;
  if (state.endedAt !== undefined) return false;
  for (const child of state.childRuns) if (child.status === 'running' && (await waitsAnywhere(store, child.childRunId))) return true;
  return false;
}

/**
 * A run parked (its `done` resolved `waiting`): give up its lease row and keep it unclaimable
 * until its earliest timer, or until a decision wakes it. A decision recorded while the run was
 * parking may have woken the row before this parks it, so the log is read again afterwards and
 * the row woken when neither the run nor a branch of it waits any more.
 */
export async function parkLease(
  store: EventStore,
  leases: LeaseStore,
  run: { runId: string; workflow: string; holder?: string | undefined; waitingFor: readonly ParkedWait[] },
): Promise<void> {
  await leases.park({ runId: run.runId, workflow: run.workflow, holder: run.holder, wakeAt: wakeAtOf(run.waitingFor) });
  const state = foldRunState(await readRunLog(store, run.runId));
  if (state.endedAt !== undefined) await leases.finish(run.runId);
  else if (!(await waitsAnywhere(store, run.runId))) await leases.wake(run.runId);
}
