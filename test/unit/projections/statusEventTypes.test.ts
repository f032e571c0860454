import { describe, expect, it } from 'vitest';
import { eventTypes } from '../../../src/events/catalogue.js';
import type { EventMetadata, RecordedEvent } from '../../../src/events/envelope.js';
import { evolve, initialRunState, STATUS_EVENT_TYPES } from '../../../src/projections/runState.js';

/**
 * A status-only projection reads the events of types outside STATUS_EVENT_TYPES without their
 * payload: evolve must then only count them, whatever their payload.
 */
describe('STATUS_EVENT_TYPES', () => {
  const running = { ...initialRunState(), runId: 'r', status: 'running' as const, lastPosition: 4, eventCount: 5 };
  const envelope = (type: string): RecordedEvent => ({
    eventId: '00000000-0000-4000-8000-000000000000',
    streamId: 'run-r',
    streamPosition: 5,
    globalPosition: '9',
    type,
    data: undefined,
    metadata: {} as EventMetadata,
  });

  it('names every catalogue type whose payload evolve reads; any other type only advances the position and the count', () => {
    const ignored = eventTypes.filter((t) => !STATUS_EVENT_TYPES.has(t));
    expect(ignored).toContain('ModelCalled');
    expect(ignored).toContain('SpanRecorded');
    for (const type of ignored) expect(evolve(running, envelope(type))).toEqual({ ...running, lastPosition: 5, eventCount: 6 });
  });

  it('holds only catalogue types', () => {
    for (const type of STATUS_EVENT_TYPES) expect(eventTypes).toContain(type);
  });
});
