import type { EventStore } from '../../store/eventStore.js';
import { readRunLog } from '../runLog.js';
import { isFinished, type ExecutionMode } from './modes.js';

/** The mode a parallel branch (child run `childRunId`) runs in, given its parent's. */
export async function childModeOf(store: EventStore, parent: ExecutionMode, childRunId: string, branch: string): Promise<ExecutionMode> {
  switch (parent.kind) {
    case 'live':
    case 'submit':
      return { kind: 'live' };
    case 'verify':
      return { kind: 'verify', log: await readRunLog(store, childRunId) };
    case 'resume': {
      const log = await readRunLog(store, childRunId, { allowMissing: true });
      if (log.length === 0) return { kind: 'live' };
      if (isFinished(log)) return { kind: 'verify', log };
      return { kind: 'resume', log, owner: parent.owner };
    }
    case 'fork': {
      const sourceChild = `${parent.source.runId}.${branch}`;
      const finished = parent.log.find((e) => e.type === 'ChildRunFinished' && (e.data as { childRunId: string }).childRunId === sourceChild);
      // A branch that had not finished by the fork position runs again, live.
      if (finished === undefined || finished.streamPosition > parent.upTo) return { kind: 'live' };
      const log = await readRunLog(store, sourceChild);
      return { kind: 'fork', log, upTo: Number.POSITIVE_INFINITY, source: { runId: sourceChild, position: log.length - 1 } };
    }
  }
}
