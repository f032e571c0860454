import { ReplayDivergenceError, type ReplayRecorder } from '../../journal/replayRecorder.js';
import type { Workflow } from '../../machines/workflow.js';
import { reexecute } from '../reexecute.js';
import { readRunLog } from '../runLog.js';
import type { ReplayResult } from './engineSupport.js';
import type { RecordedRunDeps } from './modes.js';

/**
 * Re-execute a recorded run with the current workflow code (or `options.workflow`), answering
 * every model call, tool call and delay from its log, and compare what it produces with what was
 * recorded. Makes no model or tool call and writes nothing.
 */
export async function verifyRun(deps: RecordedRunDeps, runId: string, options: { workflow?: Workflow } = {}): Promise<ReplayResult> {
  const log = await readRunLog(deps.store, runId);
  const handle = reexecute(deps, { log, source: runId, runId, mode: { kind: 'verify', log }, workflow: options.workflow });
  const recorder = handle.recorder as ReplayRecorder;
  try {
    await handle.started;
  } catch (err) {
    // RunStarted itself differs (another kind of workflow, other options): nothing ran.
    if (err instanceof ReplayDivergenceError) return { match: false, matchedEvents: 0, divergence: err.divergence };
    throw err;
  }
  const result = await handle.done;
  const divergence = recorder.checkComplete();
  return { match: divergence === undefined, matchedEvents: recorder.matched, ...(divergence ? { divergence } : {}), result };
}
