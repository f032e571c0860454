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
      beforeLiveCall: () => Promise.resolve(),
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
    beforeLiveCall: () => Promise.resolve(),
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

describe('ReplayRecorder matching the parallel tool calls of one turn', () => {
  const called = (c: string, city = c) => ({ stepId: 's', callId: c, tool: 'get_weather', arguments: JSON.stringify({ city }) });
  const returned = (c: string) => ({ stepId: 's', callId: c, tool: 'get_weather', output: `${c}: sunny` });
  const modelCalled = { stepId: 's', callId: 's.1.2', model: 'm', requestDigest: 'd' };
  // Live: A and B called, B finished first; then the next model call.
  const turn = [ev(0, 'ToolCalled', called('a')), ev(1, 'ToolCalled', called('b')), ev(2, 'ToolReturned', returned('b')), ev(3, 'ToolReturned', returned('a')), ev(4, 'ModelCalled', modelCalled)];

  it('matches the calls by call id whatever order they are answered in', () => {
    const rec = new ReplayRecorder(id, turn, undefined);
    rec.record('ToolCalled', called('a'));
    rec.record('ToolReturned', returned('a'));
    rec.record('ToolCalled', called('b'));
    rec.record('ToolReturned', returned('b'));
    rec.record('ModelCalled', modelCalled);
    expect(rec.error).toBeUndefined();
    expect(rec.checkComplete()).toBeUndefined();
  });

  it('reports a call whose arguments changed at its recorded position', () => {
    const rec = new ReplayRecorder(id, turn, undefined);
    rec.record('ToolCalled', called('a'));
    rec.record('ToolCalled', called('b', 'Z'));
    expect(rec.error?.message).toMatch(/^replay diverged at position 1: data\.arguments/);
  });

  it('reports a call the turn did not make, and a call that skips to the next model call', () => {
    const unknown = new ReplayRecorder(id, turn, undefined);
    unknown.record('ToolCalled', called('c'));
    expect(unknown.error?.message).toMatch(/^replay diverged at position 0/);
    const early = new ReplayRecorder(id, turn, undefined);
    early.record('ToolCalled', called('a'));
    early.record('ToolCalled', called('b'));
    early.record('ToolReturned', returned('b'));
    early.record('ModelCalled', modelCalled);
    expect(early.error?.message).toMatch(/^replay diverged at position 3/);
  });

  it('keeps a call\'s approval, decision and result in the call\'s order', () => {
    const asked = { approvalId: 's.approval.b', kind: 'tool' as const, name: 'get_weather', stepId: 's', prompt: 'p', content: { city: 'b' } };
    const decided = { approvalId: 's.approval.b', decision: 'approve' as const, by: 'ann' };
    const log = [ev(0, 'ToolCalled', called('a')), ev(1, 'ApprovalRequested', asked), ev(2, 'ToolReturned', returned('a')), ev(3, 'ApprovalDecided', decided), ev(4, 'ToolCalled', called('b')), ev(5, 'ToolReturned', returned('b'))];
    const rec = new ReplayRecorder(id, log, undefined);
    rec.record('ToolCalled', called('a'));
    rec.record('ApprovalRequested', asked);
    rec.record('ApprovalDecided', decided);
    rec.record('ToolCalled', called('b'));
    rec.record('ToolReturned', returned('a'));
    rec.record('ToolReturned', returned('b'));
    expect(rec.error).toBeUndefined();
    expect(rec.checkComplete()).toBeUndefined();
    const wrong = new ReplayRecorder(id, log, undefined);
    wrong.record('ToolCalled', called('a'));
    wrong.record('ToolCalled', called('b'));
    expect(wrong.error?.message).toMatch(/^replay diverged at position 1/);
  });

  it('a verifying replay refuses a live call; a resume makes its claim first and goes on matching the log', async () => {
    const verify = new ReplayRecorder(id, turn, undefined);
    verify.record('ToolCalled', called('a'));
    await expect(verify.beforeLiveCall('tool get_weather (call a)')).rejects.toMatchObject({ code: 'REPLAY_DIVERGED' });
    const claims: string[] = [];
    const sink = { identity: id, error: undefined, record: () => undefined, durable: () => Promise.resolve(), flush: () => Promise.resolve(), beforeLiveCall: (what: string) => Promise.resolve(void claims.push(what)) };
    const resume = new ReplayRecorder(id, turn, sink);
    resume.record('ToolCalled', called('a'));
    await resume.beforeLiveCall('tool get_weather (call a)');
    expect(claims).toEqual(['tool get_weather (call a)']);
    resume.record('ToolCalled', called('b'));
    resume.record('ToolReturned', returned('b'));
    expect(resume.error).toBeUndefined();
  });
});
