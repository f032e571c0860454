import { describe, expect, it } from 'vitest';
import type { AigenEvent } from '../../../src/events/envelope.js';
import { defineProjection, project, readsType } from '../../../src/events/projection.js';

function event(type: AigenEvent['type'], data: unknown, streamPosition = 1): AigenEvent {
  return { eventId: `e${streamPosition}`, streamId: 'run-r', streamPosition, globalPosition: String(streamPosition), type, data, metadata: { recordedAt: '2026-01-01T00:00:00.000Z', schemaVersion: 1 } } as AigenEvent;
}

const completedSteps = defineProjection<string[]>()({
  name: 'completed steps',
  reads: ['StepCompleted', 'RunCancelled'],
  on: {
    StepCompleted: (s, e) => [...s, e.data.stepId],
    RunCancelled: () => [],
  },
});

describe('a declared projection', () => {
  it('refuses, at compile time, a type it reads without a handler and a handler of a type it does not read', () => {
    // The build (tsc --noEmit over test/) fails if either of these compiles.
    defineProjection<number>()({
      name: 'missing',
      reads: ['StepCompleted', 'StepFailed'],
      // @ts-expect-error StepFailed is read but has no handler
      on: { StepCompleted: (n) => n + 1 },
    });
    defineProjection<number>()({
      name: 'extra',
      reads: ['StepCompleted'],
      on: {
        StepCompleted: (n) => n + 1,
        // @ts-expect-error TaskSent is not in reads
        TaskSent: (n: number) => n,
      },
    });
    // And a handler sees its own event's data: StepCompleted has no `reason`.
    defineProjection<string>()({
      name: 'typed',
      reads: ['StepCompleted'],
      // @ts-expect-error StepCompleted's data has no reason
      on: { StepCompleted: (_s, e) => String(e.data.reason) },
    });
    expect(readsType(completedSteps, 'StepCompleted')).toBe(true);
    expect(readsType(completedSteps, 'TaskSent')).toBe(false);
  });

  it('applies the handler of an event it reads and leaves its state as it was for any other', () => {
    const start: string[] = ['a'];
    expect(project(completedSteps, start, event('StepCompleted', { stepId: 'b' }))).toEqual(['a', 'b']);
    expect(project(completedSteps, start, event('TaskSent', { stepId: 'c' }))).toBe(start);
    expect(project(completedSteps, start, event('RunCancelled', { reason: 'x' }))).toEqual([]);
  });

  it('runs its bookkeeping on every event, told whether the projection reads it', () => {
    const counted = defineProjection<{ seen: number; read: number; last: number }>()({
      name: 'counted',
      reads: ['StepCompleted'],
      on: { StepCompleted: (s) => ({ ...s, read: s.read + 1 }) },
      every: (s, e, reads) => ({ ...s, seen: s.seen + 1, last: e.streamPosition, read: reads ? s.read : s.read }),
    });
    let s = { seen: 0, read: 0, last: 0 };
    s = project(counted, s, event('TaskSent', {}, 1));
    s = project(counted, s, event('StepCompleted', { stepId: 'x' }, 2));
    expect(s).toEqual({ seen: 2, read: 1, last: 2 });
  });
});
