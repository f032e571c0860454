import type { RecordedEvent } from '../../events/envelope.js';
import { isTerminalEventType } from '../../events/terminal.js';
import type { Clock } from '../clock.js';
import { RunRecorder, type RunIdentity } from '../../journal/recorder.js';
import type { RunHandle, RunParams } from '../runExecution.js';
import type { Catalog } from '../../config/catalog.js';
import type { Workflow } from '../../machines/workflow.js';
import type { Context } from '../context.js';
import type { RunOptions } from '../runOptions.js';
import type { EventStore } from '../../store/eventStore.js';
import { AnswerSource } from '../../journal/answers.js';
import { ReplayRecorder } from '../../journal/replayRecorder.js';
import type { RunOwner } from '../owner.js';
import { ClaimingRecorder } from '../../journal/claimingRecorder.js';

/**
 * How a run is executed: `live` (new facts), `verify` (every fact from the log, events compared,
 * nothing written), `resume` (facts from the log, then live, appending after the log), or
 * `fork` (facts from another run's log up to a position, everything written to a new stream).
 * A resume claims the run for `owner` with its first append (see {@link ClaimingRecorder}), unless
 * the log already ends with its claim (`claimed`: a worker's RunClaimed).
 */
export type ExecutionMode =
  | { kind: 'live' }
  | { kind: 'verify'; log: RecordedEvent[] }
  | { kind: 'resume'; log: RecordedEvent[]; owner: RunOwner; claimed?: boolean }
  | { kind: 'fork'; log: RecordedEvent[]; upTo: number; source: { runId: string; position: number } }
  | { kind: 'submit'; concurrency?: number | undefined };

/** What launches runs in a mode: the engine's `RunLauncher`. */
export interface Launcher {
  launch(workflow: Workflow, input: string, context: Context, options: RunOptions, mode: ExecutionMode): RunHandle;
}

/** What the entry points that re-execute a recorded run (resume, claim, fork, verify) need: the store, the catalog and the launcher. */
export interface RecordedRunDeps {
  store: EventStore;
  catalog: Catalog;
  launcher: Launcher;
}

/** A clock whose delays fire at once while `instant()` holds (recorded retries), else real. */
export function replayClock(real: Clock, instant: () => boolean): Clock {
  return {
    now: () => real.now(),
    setTimeout: (fn, ms) => (instant() ? { immediate: setImmediate(fn) } : { real: real.setTimeout(fn, ms) }),
    clearTimeout: (id) => {
      const h = id as { immediate?: NodeJS.Immediate; real?: unknown };
      if (h.immediate) clearImmediate(h.immediate);
      else real.clearTimeout(h.real);
    },
  };
}

/** True when a run's log ends with its terminal event. */
export function isFinished(log: readonly RecordedEvent[]): boolean {
  return log.some((e) => isTerminalEventType(e.type));
}

/**
 * The parameters of a run re-executed from `log`: every answer from the log, events checked by
 * the ReplayRecorder `record` makes, and delays instant while the log lasts.
 */
function fromLog(log: RecordedEvent[], clock: Clock, record: (id: RunIdentity) => ReplayRecorder): Partial<RunParams> {
  let replay: ReplayRecorder | undefined;
  const answers = new AnswerSource(log);
  return {
    answers,
    ...(answers.traceId ? { traceId: answers.traceId } : {}),
    recorder: (id: RunIdentity) => (replay = record(id)),
    actorClock: replayClock(clock, () => replay?.exhausted !== true),
  };
}

/** The run-parameter overrides that put a run in `mode`. */
export function modeParams(mode: ExecutionMode, store: EventStore, clock: Clock): Partial<RunParams> {
  switch (mode.kind) {
    case 'live':
      return {};
    case 'submit':
      return { queued: { concurrency: mode.concurrency } };
    case 'verify':
      return { ...fromLog(mode.log, clock, (id) => new ReplayRecorder(id, mode.log, undefined)), liveWaits: false };
    case 'resume':
      return fromLog(mode.log, clock, (id) => {
        const fromPosition = mode.log[mode.log.length - 1]!.streamPosition;
        const tail = mode.claimed ? new RunRecorder(store, id, { expectedVersion: fromPosition }) : new ClaimingRecorder(store, id, { fromPosition, owner: mode.owner });
        return new ReplayRecorder(id, mode.log, tail);
      });
    case 'fork': {
      const answers = new AnswerSource(mode.log, mode.upTo);
      return { answers, forkOf: mode.source };
    }
  }
}
