import { AigenError } from '../errors.js';
import type { EventData, EventType } from '../events/catalogue.js';
import type { RecordedEvent } from '../events/envelope.js';
import { runStreamId } from '../events/streams.js';
import { foldRunState, initialRunState, type RunState } from '../projections/runState.js';
import { ConcurrencyError } from '../store/errors.js';
import type { EventStore } from '../store/eventStore.js';
import { readRunLog } from './runLog.js';

/** One event a command appends; the loop stamps its metadata. */
export type CommandEvent = { [K in EventType]: { type: K; data: EventData<K> } }[EventType];

/** What a command decided: the events to append (none: nothing to do) and what the caller learns. */
export interface Decision<T> {
  events: readonly CommandEvent[];
  value: T;
}

/**
 * Anything besides the live recorder that writes to a run's stream: cancel, approve, reject,
 * signal, claim, the answer of a branch's wait. `decide` is pure: the run's folded state and its
 * log in, the events to append out (it throws a user error to refuse).
 * @example
 * ```ts
 * const note: RunCommand<void> = {
 *   name: 'cancel',
 *   decide: (state) => ({ events: state.endedAt ? [] : [{ type: 'RunCancelled', data: { reason: 'no', usage: state.usage, durationMs: 0 } }], value: undefined }),
 * };
 * ```
 */
export interface RunCommand<T> {
  /** What the command is, for messages (`cancel`, `approve`, `claim`, …). */
  name: string;
  decide(state: RunState, log: readonly RecordedEvent[]): Decision<T>;
  /** Decide over an empty log instead of failing NOT_FOUND (decide must then append nothing). */
  allowMissing?: boolean;
  /** Tags stamped on every event appended (who asked, from where). */
  tags?: Record<string, string>;
}

/** What {@link handleCommand} did: the decided value, and the log and state after the append. */
export interface CommandResult<T> {
  value: T;
  log: RecordedEvent[];
  state: RunState;
}

/**
 * A command lost the race for the run's stream {@link COMMAND_ATTEMPTS} times in a row: another
 * writer kept appending between its read and its append. Nothing was recorded.
 * @example
 * ```ts
 * try { await handleCommand(store, runId, command); } catch (err) { if (err instanceof CommandConflictError) retryLater(); }
 * ```
 */
export class CommandConflictError extends AigenError {
  readonly code = 'COMMAND_CONFLICT';
  readonly kind = 'system' as const;
  constructor(readonly runId: string, command: string, attempts: number, cause: unknown) {
    super(`${command} of run ${runId} was not recorded: the run's stream changed under it ${attempts} times in a row`, { cause });
  }
}

/** How often a command reads, decides and appends again after a concurrent append. */
export const COMMAND_ATTEMPTS = 20;
const backoffMs = (attempt: number) => Math.min(5 * attempt, 50);

/**
 * The one loop of every command: read the run's log, fold it with the run-state projection,
 * decide, append the decided events at the log's last position (`expectedVersion`, so a writer
 * that appended meanwhile makes it read and decide again), with the run's ids, the causation (the
 * event decided upon) and the command's tags stamped here. Throws what `decide` throws, and
 * {@link CommandConflictError} when it keeps losing the race.
 * @example
 * ```ts
 * const { value } = await handleCommand(store, runId, note);
 * ```
 */
export async function handleCommand<T>(store: EventStore, runId: string, command: RunCommand<T>): Promise<CommandResult<T>> {
  for (let attempt = 1; ; attempt++) {
    const log = await readRunLog(store, runId, command.allowMissing ? { allowMissing: true } : {});
    const state = log.length === 0 ? initialRunState() : foldRunState(log);
    const { events, value } = command.decide(state, log);
    const last = log.at(-1);
    if (events.length === 0 || !last) return { value, log, state };
    const { rootRunId, traceId } = log[0]!.metadata;
    const metadata = { runId, rootRunId: rootRunId ?? runId, traceId, causationId: last.eventId, ...(command.tags ? { tags: command.tags } : {}) };
    try {
      await store.append(runStreamId(runId), events.map((e) => ({ type: e.type, data: e.data, metadata })), { expectedVersion: last.streamPosition });
    } catch (err) {
      if (!(err instanceof ConcurrencyError)) throw err;
      if (attempt >= COMMAND_ATTEMPTS) throw new CommandConflictError(runId, command.name, attempt, err);
      await new Promise((r) => setTimeout(r, backoffMs(attempt)));
      continue;
    }
    const after: RecordedEvent[] = [];
    for await (const e of store.readStream(runStreamId(runId), { from: last.streamPosition + 1 })) after.push(e);
    const all = [...log, ...after];
    return { value, log: all, state: foldRunState(all) };
  }
}
