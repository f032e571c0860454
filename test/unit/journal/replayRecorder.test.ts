import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../../src/events/envelope.js';
import { ReplayRecorder } from '../../../src/journal/replayRecorder.js';

const id = { runId: 'r', rootRunId: 'r', traceId: 't' };
const ev = (streamPosition: number, type: string, data: unknown): RecordedEvent => ({
  eventId: String(streamPosition), streamId: 'run-r', streamPosition, globalPosition: String(streamPosition), type, data,
  metadata: { recordedAt: '2026-01-01T00:00:00.000Z', schemaVersion: 1 },
});
const finished = (b: string) => ({ childRunId: `r.${b}`, branch: b, status: 'completed' as const, output: b });
const moved = (to: string) => ({ actorId: 'workflow', machine: 'p', from: 'x', to, event: 'e' });

describe('ReplayRecorder', () => {
  const log = [ev(0, 'ChildRunFinished', finished('a')), ev(1, 'ChildRunFinished', finished('b')), ev(2, 'Transitioned', moved('a-done')), ev(3, 'Transitioned', moved('b-done'))];

  it('accepts parallel branch ends interleaved differently with the parent state changes', () => {
    const rec = new ReplayRecorder(id, log, undefined);
    rec.record('ChildRunFinished', finished('a'));
    rec.record('Transitioned', moved('a-done'));
    rec.record('ChildRunFinished', finished('b'));
    rec.record('Transitioned', moved('b-done'));
    expect(rec.error).toBeUndefined();
    expect(rec.checkComplete()).toBeUndefined();
    expect(rec.matched).toBe(4);
  });

  it('still reports a reordering within one kind as a divergence at the expected position', () => {
    const rec = new ReplayRecorder(id, log, undefined);
    rec.record('ChildRunFinished', finished('b'));
    expect(rec.error?.message).toMatch(/^replay diverged at position 0/);
  });

  it('reports events the re-execution never produced', () => {
    const rec = new ReplayRecorder(id, log, undefined);
    rec.record('ChildRunFinished', finished('a'));
    expect(rec.checkComplete()?.position).toBe(1);
  });
});

describe('ReplayRecorder resuming a log cut between concurrent events', () => {
  it('appends a state change that comes after the log end while a recorded branch end is still pending', () => {
    const log = [ev(0, 'ChildRunFinished', finished('a')), ev(1, 'ChildRunFinished', finished('b'))];
    const tail: Array<{ type: string }> = [];
    const sink = {
      identity: id,
      error: undefined,
      record: (type: string) => void tail.push({ type }),
      durable: () => Promise.resolve(),
      flush: () => Promise.resolve(),
    };
    const rec = new ReplayRecorder(id, log, sink);
    rec.record('ChildRunFinished', finished('a'));
    rec.record('Transitioned', moved('a-done'));
    rec.record('ChildRunFinished', finished('b'));
    rec.record('Transitioned', moved('b-done'));
    expect(rec.error).toBeUndefined();
    expect(rec.exhausted).toBe(true);
    expect(tail.map((t) => t.type)).toEqual(['Transitioned', 'Transitioned']);
  });
});

describe('ReplayRecorder resuming a parent whose branch parks it again', () => {
  const parked = { childRunId: 'r.a', branch: 'a', waitingFor: [{ kind: 'approval' as const, id: 'x', runId: 'r.a', name: 'n' }] };
  const sink = (tail: Array<{ type: string }>) => ({
    identity: id,
    error: undefined,
    record: (type: string) => void tail.push({ type }),
    durable: () => Promise.resolve(),
    flush: () => Promise.resolve(),
  });

  it('appends a BranchParked produced before the log is matched, and still matches the rest of the log; the log\'s own BranchParked is not expected', () => {
    const log = [ev(0, 'ChildRunFinished', finished('b')), ev(1, 'BranchParked', parked), ev(2, 'Transitioned', moved('b-done'))];
    const tail: Array<{ type: string }> = [];
    const rec = new ReplayRecorder(id, log, sink(tail));
    rec.record('ChildRunFinished', finished('b'));
    rec.record('BranchParked', parked);
    expect(rec.exhausted).toBe(false);
    rec.record('Transitioned', moved('b-done'));
    expect(rec.error).toBeUndefined();
    expect(rec.exhausted).toBe(true);
    expect(tail.map((t) => t.type)).toEqual(['BranchParked']);
  });

  it('verifying (nothing appended), a BranchParked is neither compared nor a divergence', () => {
    const log = [ev(0, 'ChildRunFinished', finished('b')), ev(1, 'BranchParked', parked)];
    const rec = new ReplayRecorder(id, log, undefined);
    rec.record('ChildRunFinished', finished('b'));
    rec.record('BranchParked', parked);
    expect(rec.error).toBeUndefined();
    expect(rec.checkComplete()).toBeUndefined();
  });
});
