import type { RecordedEvent } from '../../src/events/envelope.js';
import { eventDataSchemas, type EventType } from '../../src/events/catalogue.js';

/**
 * Recorded events of one run, made by hand for unit tests of folds and views: each payload is
 * checked against the catalogue; stream positions count from 0 (again after `reset()`), and the
 * event at position p is recorded at `at(p)`, one second apart.
 */
export function runRecorder(runId = 'r1', t0 = Date.parse('2026-05-01T08:00:00.000Z')) {
  let pos = 0;
  const at = (p: number): string => new Date(t0 + p * 1000).toISOString();
  return {
    at,
    reset: (): void => {
      pos = 0;
    },
    ev: <T extends EventType>(type: T, data: Record<string, unknown>): RecordedEvent => {
      eventDataSchemas[type].parse(data);
      const streamPosition = pos++;
      return {
        eventId: `e${streamPosition}`,
        streamId: `run-${runId}`,
        streamPosition,
        globalPosition: String(streamPosition + 1),
        type,
        data,
        metadata: { runId, rootRunId: runId, recordedAt: at(streamPosition), schemaVersion: 1 },
      };
    },
  };
}
