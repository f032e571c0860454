import { randomUUID } from 'node:crypto';
import type { NewEvent } from '../../src/events/envelope.js';

/**
 * Realistic catalogue events for store benches: what a run's recorder appends most often.
 * Keys are in schema order and `recordedAt`/`schemaVersion` are set, so the codec's JSON and a
 * plain `JSON.stringify` of `data`/`metadata` are byte for byte the same (checked by the bench).
 */
const RECORDED_AT = '2025-01-01T12:00:00.000Z';

function metadata(runId: string, actorId: string) {
  return {
    runId,
    rootRunId: runId,
    actorId,
    traceId: `trace_${runId.replace(/-/g, '')}`,
    recordedAt: RECORDED_AT,
    schemaVersion: 1,
  };
}

const PARAGRAPH =
  'Tides are driven mainly by the Moon: its gravity raises a bulge of water on the near side of the Earth and inertia leaves another on the far side, so most coasts see two high tides a day. ';

/** An agent actor's Transitioned event (about 150 bytes of data). */
export function transitioned(runId: string, n: number): NewEvent {
  return {
    eventId: randomUUID(),
    type: 'Transitioned',
    data: {
      actorId: `workflow.research.${n}`,
      machine: 'agent',
      from: 'working',
      to: 'done',
      event: 'xstate.done.actor.0.workflow.research.attempt',
    },
    metadata: metadata(runId, `workflow.research.${n}`),
  };
}

/** A ModelResponded event with one assistant message (about 500 bytes of data). */
export function modelResponded(runId: string, n: number): NewEvent {
  const stepId = `${n}-research`;
  return {
    eventId: randomUUID(),
    type: 'ModelResponded',
    data: {
      stepId,
      callId: `${stepId}.1.1`,
      model: 'gpt-4.1-mini',
      response: {
        output: [
          {
            type: 'message',
            id: `msg_${runId.slice(0, 8)}_${n}`,
            role: 'assistant',
            status: 'completed',
            content: [{ type: 'output_text', text: PARAGRAPH + PARAGRAPH.slice(0, 60) }],
          },
        ],
        usage: { requests: 1, inputTokens: 412, outputTokens: 96, totalTokens: 508 },
        responseId: `resp_${runId.replace(/-/g, '').slice(0, 24)}`,
      },
    },
    metadata: metadata(runId, `workflow.research.${n}`),
  };
}

/** The n-th event of the bench mix: Transitioned and ModelResponded alternating. */
export function mixEvent(runId: string, n: number): NewEvent {
  return n % 2 === 0 ? transitioned(runId, n) : modelResponded(runId, n);
}

/** A row as an application would insert it without aigen: the same columns the adapters write. */
export interface RawRow {
  eventId: string;
  streamId: string;
  streamPosition: number;
  type: string;
  data: string;
  metadata: string;
}

/** Serialise an event into a {@link RawRow} with a plain `JSON.stringify` (no validation). */
export function rawRow(streamId: string, streamPosition: number, e: NewEvent): RawRow {
  return {
    eventId: e.eventId!,
    streamId,
    streamPosition,
    type: e.type,
    data: JSON.stringify(e.data),
    metadata: JSON.stringify(e.metadata),
  };
}
