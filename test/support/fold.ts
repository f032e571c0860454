import type { RecordedEvent } from '../../src/events/envelope.js';
import { evolve, initialRunState, type RunState } from '../../src/projections/runState.js';

/**
 * Fold a stream of run `r`'s events, each recorded `sec` seconds after 2026-01-01T00:00Z
 * (payloads only as far as the fold reads them).
 */
export function foldTimed(events: Array<[sec: number, type: string, data: Record<string, unknown>]>): RunState {
  const t0 = Date.parse('2026-01-01T00:00:00.000Z');
  return events.reduce<RunState>((s, [sec, type, data], i) => evolve(s, {
    eventId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    streamId: 'run-r',
    streamPosition: i,
    globalPosition: String(i + 1),
    type,
    data,
    metadata: { recordedAt: new Date(t0 + sec * 1000).toISOString(), runId: 'r', rootRunId: 'r' },
  } as unknown as RecordedEvent), initialRunState());
}
