import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { eventTypes, type EventData, type EventType } from '../../../src/events/catalogue.js';
import type { EventMetadata, RecordedEvent } from '../../../src/events/envelope.js';
import { aboutEventType, eventDescriptions, summarizeEvent, type EventDescriptionTable } from '../../../src/projections/describe.js';

const REPLAYS = new URL('../../replays/', import.meta.url);

function recorded<T extends EventType>(type: T, data: EventData<T>): RecordedEvent {
  return { eventId: '00000000-0000-4000-8000-000000000000', streamId: 'run-r', streamPosition: 3, globalPosition: '3', type, data, metadata: {} as EventMetadata };
}

describe('the event description table', () => {
  it('describes every catalogue type in one line', () => {
    expect(Object.keys(eventDescriptions).sort()).toEqual([...eventTypes].sort());
    for (const type of eventTypes) {
      const about = aboutEventType(type);
      expect(about, type).toMatch(/^\S.{10,}$/);
      expect(about, type).not.toContain('\n');
    }
  });

  it('is rejected by the compiler when a type has no entry', () => {
    const { RunCancelled: _dropped, ...rest } = eventDescriptions;
    // @ts-expect-error RunCancelled is missing: every event type needs a description and a summary
    const partial: EventDescriptionTable = rest;
    expect(Object.keys(partial)).not.toContain('RunCancelled');
  });

  it('summarises every event of the recorded fixtures as text, never as its raw payload', () => {
    const seen = new Set<string>();
    for (const file of readdirSync(REPLAYS).filter((f) => f.endsWith('.jsonl'))) {
      for (const line of readFileSync(new URL(file, REPLAYS), 'utf8').split('\n').filter(Boolean)) {
        const event = JSON.parse(line) as RecordedEvent;
        seen.add(event.type);
        const text = summarizeEvent(event);
        expect(text, `${file} ${event.type}`).not.toMatch(/^[{[]/);
        expect(text.length, `${file} ${event.type}`).toBeGreaterThan(0);
      }
    }
    expect(seen.size).toBeGreaterThan(8);
  });

  it('summarises waits, decisions, claims and resumes by what they say', () => {
    const owner = { host: 'box', pid: 42 };
    expect(summarizeEvent(recorded('ApprovalRequested', { approvalId: 'a1', kind: 'tool', name: 'refund', stepId: '1-desk', tool: 'refund', arguments: '{"amount":30}', prompt: 'Refund 30?', content: null }))).toBe(
      'a1 tool refund({"amount":30}): Refund 30?',
    );
    expect(summarizeEvent(recorded('ApprovalDecided', { approvalId: 'a1', decision: 'reject', by: 'ana', comment: 'too much' }))).toBe('a1 rejected by ana: too much');
    expect(summarizeEvent(recorded('SignalAwaited', { signalId: 's1', name: 'payment', stepId: '2-wait' }))).toBe('s1 waits for payment');
    expect(summarizeEvent(recorded('SignalReceived', { signalId: 's1', name: 'payment', payload: { ok: true }, by: 'cli' }))).toBe('s1 payment from cli: {"ok":true}');
    expect(summarizeEvent(recorded('TimerStarted', { timerId: 't1', dueAt: '2026-12-07T10:00:00.000Z', purpose: 'sleep' }))).toBe('t1 sleep until 2026-12-07T10:00:00.000Z');
    expect(summarizeEvent(recorded('TimerFired', { timerId: 't1' }))).toBe('t1');
    expect(summarizeEvent(recorded('RunClaimed', { workerId: 'w1', owner, leaseMs: 30000, fromPosition: 7 }))).toBe('w1 by box:42 lease 30000ms from 7');
    expect(summarizeEvent(recorded('RunReleased', { workerId: 'w1', reason: 'draining' }))).toBe('w1: draining');
    expect(summarizeEvent(recorded('RunResumed', { fromPosition: 7, reason: 'crashed', owner }))).toBe('from 7 by box:42: crashed');
  });

  it('shows an event type it does not know as its data', () => {
    const unknown = { ...recorded('TimerFired', { timerId: 't1' }), type: 'SomethingNew', data: { a: 1 } };
    expect(summarizeEvent(unknown)).toBe('{"a":1}');
    expect(aboutEventType('SomethingNew')).toBeUndefined();
  });
});
