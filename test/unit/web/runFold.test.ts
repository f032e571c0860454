import { describe, expect, it } from 'vitest';
import type { AigenEvent } from '../../../src/events/envelope.js';
import { foldRunState, type RunState } from '../../../src/projections/runState.js';

interface RunFold {
  readonly events: AigenEvent[];
  push(e: AigenEvent): boolean;
  at(position: number): RunState;
}
// The page's module (plain JS, checked by web/tsconfig.json). It imports the fold as
// `./run-state.js`, which vitest.config.ts resolves to the module the server bundles.
const page: string = '../../../web/runFold.js';
const { createRunFold } = (await import(page)) as { createRunFold: () => RunFold };


const at = (i: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString();
function ev(streamPosition: number, type: string, data: unknown): AigenEvent {
  return { eventId: `e${streamPosition}`, streamId: 'run-r1', streamPosition, globalPosition: String(streamPosition), type, data, metadata: { recordedAt: at(streamPosition), schemaVersion: 1, runId: 'r1' } } as AigenEvent;
}
const usage = { requests: 1, inputTokens: 3, outputTokens: 2, totalTokens: 5 };
const log: AigenEvent[] = [
  ev(0, 'RunStarted', { runId: 'r1', workflow: { name: 'w', kind: 'sequential', version: '1', definition: {} }, input: 'hi', model: 'offline', traceId: 't', options: {} }),
  ev(1, 'Transitioned', { actorId: 'workflow', from: null, to: 'writer' }),
  ev(2, 'TaskSent', { stepId: '1-writer', agentId: 'writer', input: 'hi', attempt: 1 }),
  ev(3, 'StepCompleted', { stepId: '1-writer', agentId: 'writer', output: 'Text.', usage, attempt: 1 }),
  ev(4, 'RunCompleted', { output: 'Text.', partial: false, usage, durationMs: 4000 }),
];

describe("the run page's fold", () => {
  it('folds each arriving event once and answers every position like a fold of the log from the start', () => {
    const fold = createRunFold();
    for (const e of log) expect(fold.push(e)).toBe(true);
    for (let p = 0; p < log.length; p++) expect(fold.at(p)).toEqual(foldRunState(log, p));
    expect(fold.at(4).status).toBe('completed');
    expect(fold.at(2).status).toBe('running');
  });

  it('ignores an event it already has (a reconnect repeats the tail) and keeps the order', () => {
    const fold = createRunFold();
    for (const e of log.slice(0, 3)) fold.push(e);
    expect(fold.push(log[1]!)).toBe(false);
    expect(fold.events.map((e) => e.streamPosition)).toEqual([0, 1, 2]);
    expect(fold.at(2)).toEqual(foldRunState(log, 2));
  });
});
