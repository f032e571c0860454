import type { EventData } from '../events/catalogue.js';
import type { RecordedEvent } from '../events/envelope.js';
import { runStreamId } from '../events/streams.js';
import { TERMINAL_EVENT_TYPES } from '../events/terminal.js';
import type { EventStore } from '../store/eventStore.js';
import type { LeaseStore } from '../store/leases.js';
import { lastOwner, ownerState } from './owner.js';
import { foldRunState } from '../projections/runState.js';
import { parkedAnywhere, parkLease, waitsAnywhere } from './parking.js';

/**
 * Queue the unfinished top-level runs that have no lease row: submitted runs whose submitter died
 * before queueing them, and runs whose process died before leases existed. A run whose recorded
 * process still lives (or lives on another host) is left to it; a waiting run is queued parked
 * (claimable when its timer is due or a decision wakes it); the parked row of a run that ended
 * is forgotten. Returns how many were queued.
 */
export async function reconcileQueue(store: EventStore, leases: LeaseStore): Promise<number> {
  const open = new Map<string, EventData<'RunStarted'>>();
  for await (const e of store.readAll({ filter: { streamPrefix: 'run-', types: ['RunStarted', ...TERMINAL_EVENT_TYPES] } })) {
    if (e.type === 'RunStarted') {
      const d = e.data as EventData<'RunStarted'>;
      if (!d.parentRunId) open.set(d.runId, d);
    } else open.delete(e.streamId.slice('run-'.length));
  }
  // A parked run that ended meanwhile (cancelled while it waited) is never claimed: forget its row.
  for (const row of await leases.leases()) if (row.parked && !open.has(row.runId)) await leases.finish(row.runId);
  if (open.size === 0) return 0;
  const known = new Set((await leases.leases([...open.keys()])).map((l) => l.runId));
  let queued = 0;
  for (const [runId, started] of open) {
    if (known.has(runId)) continue;
    const log: RecordedEvent[] = [];
    for await (const e of store.readStream(runStreamId(runId))) log.push(e);
    const state = foldRunState(log);
    if (await waitsAnywhere(store, runId)) {
      // Parked: claimable once its earliest timer is due, or once a decision wakes it.
      await parkLease(store, leases, { runId, workflow: started.workflow.name, waitingFor: state.waitingFor });
      queued += 1;
      continue;
    }
    if (!started.queued && !(await parkedAnywhere(store, log))) {
      const owner = lastOwner(log);
      if (owner && ownerState(owner, runId) !== 'dead') continue;
    }
    await leases.enqueue({ runId, workflow: started.workflow.name, limit: started.concurrency });
    queued += 1;
  }
  return queued;
}
