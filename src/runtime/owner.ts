import { hostname } from 'node:os';
import type { z } from 'zod';
import type { runOwnerSchema } from '../events/catalogue.js';
import type { RecordedEvent } from '../events/envelope.js';

/** The process executing a run: recorded in RunStarted and RunResumed. */
export type RunOwner = z.infer<typeof runOwnerSchema>;

/** Whether a run's owner is still at work: `unknown` when it lives on another host. */
export type OwnerState = 'alive' | 'dead' | 'unknown';

/**
 * Runs being executed by this process (by any engine in it). Process-wide on purpose: a run's
 * recorded owner is a process (host and pid), so whether that owner still executes it is a fact
 * about the process, which every engine in it must see (a resume from a second engine of the
 * same process must find the run busy).
 */
const executing = new Map<string, number>();

/** This process, as recorded in the runs it executes. */
export function thisProcess(): RunOwner {
  return { host: hostname(), pid: process.pid };
}

/** Note that this process executes `runId` until the returned function is called. */
export function markExecuting(runId: string): () => void {
  executing.set(runId, (executing.get(runId) ?? 0) + 1);
  let done = false;
  return () => {
    if (done) return;
    done = true;
    const n = (executing.get(runId) ?? 1) - 1;
    if (n <= 0) executing.delete(runId);
    else executing.set(runId, n);
  };
}

/** The process that last started, resumed or claimed (a worker) the run, from its log. */
export function lastOwner(log: readonly RecordedEvent[]): RunOwner | undefined {
  for (let i = log.length - 1; i >= 0; i--) {
    const e = log[i]!;
    if (e.type === 'RunStarted' || e.type === 'RunResumed' || e.type === 'RunClaimed') {
      const owner = (e.data as { owner?: RunOwner }).owner;
      if (owner) return owner;
    }
  }
  return undefined;
}

/**
 * Whether `owner` is still executing `runId`: this process if it runs it now; another process
 * on this host if it exists (signal 0 probes without signalling); another host cannot be probed.
 */
export function ownerState(owner: RunOwner, runId: string): OwnerState {
  if (owner.host !== hostname()) return 'unknown';
  if (owner.pid === process.pid) return executing.has(runId) ? 'alive' : 'dead';
  try {
    process.kill(owner.pid, 0);
    return 'alive';
  } catch (err) {
    // EPERM: the process exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM' ? 'alive' : 'dead';
  }
}
