import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { DeltaBus, type ModelDelta } from '../../../src/journal/deltas.js';
import { mergeLive, type StreamItem } from '../../../src/journal/liveMerge.js';
import type { RecordedEvent } from '../../../src/events/envelope.js';

const at = (text: string, index: number, callId = 'c1') => ({ runId: 'r1', stepId: '1-writer', callId, agentId: 'writer', text, index });

let position = 0;
function event(type: string, data: Record<string, unknown>): RecordedEvent {
  position += 1;
  return {
    eventId: `e${position}`, streamId: 'run-r1', streamPosition: position, globalPosition: String(position), type, data,
    metadata: { runId: 'r1', recordedAt: new Date(0).toISOString(), schemaVersion: 1 },
  };
}
const responded = (text: string, callId = 'c1') =>
  event('ModelResponded', { stepId: '1-writer', callId, model: 'm', response: { output: [{ type: 'message', role: 'assistant', content: [{ type: 'output_text', text }] }], usage: {} } });

describe('the delta bus', () => {
  it('publishes only text it did not have: repeats and overlaps are trimmed, text past a hole is dropped', () => {
    const bus = new DeltaBus();
    const seen: ModelDelta[] = [];
    bus.deltas$.subscribe(({ delta }) => seen.push(delta));
    bus.publish(at('Tides ', 0));
    bus.publish(at('Tides rise', 0), 'remote'); // a copy of the text so far, from the store
    bus.publish(at('rise', 6)); // a repeat
    bus.publish(at('late', 99)); // cannot be placed
    expect(seen.map((d) => [d.index, d.text])).toEqual([[0, 'Tides '], [6, 'rise']]);
    expect(bus.inFlight()[0]?.text).toBe('Tides rise');
  });

  it('forgets a call when it ends and ignores later copies of it; a re-issued call starts over under a new generation', () => {
    const bus = new DeltaBus();
    bus.publish(at('abc', 0));
    const first = bus.inFlight()[0]!.generation;
    bus.end('r1', 'c1');
    bus.publish(at('abcdef', 0), 'remote');
    expect(bus.inFlight()).toEqual([]);
    bus.begin('r1', 'c1');
    bus.publish(at('xy', 0));
    expect(bus.inFlight()[0]).toMatchObject({ text: 'xy' });
    expect(bus.inFlight()[0]!.generation).not.toBe(first);
  });
});

describe('merging events and deltas', () => {
  function merged(bus: DeltaBus, events$: Subject<RecordedEvent>, openBefore = false): StreamItem[] {
    const items: StreamItem[] = [];
    mergeLive(events$, bus, { runs: () => true, openBefore: () => openBefore }).subscribe((i) => items.push(i));
    return items;
  }
  const shape = (items: StreamItem[]) => items.map((i) => (i.type === 'delta' ? `${(i as ModelDelta).snapshot ? 'snap' : 'delta'}@${(i as ModelDelta).index}:${(i as ModelDelta).text}` : i.type));

  it('holds deltas that arrive before their ModelCalled, and sends them right after it', () => {
    const bus = new DeltaBus();
    const events$ = new Subject<RecordedEvent>();
    const items = merged(bus, events$);
    bus.publish(at('Tides ', 0));
    events$.next(event('ModelCalled', { stepId: '1-writer', callId: 'c1' }));
    bus.publish(at('rise', 6));
    events$.next(responded('Tides rise'));
    bus.publish(at(' late', 10), 'remote');
    expect(shape(items)).toEqual(['ModelCalled', 'snap@0:Tides ', 'delta@6:rise', 'ModelResponded']);
  });

  it('completes a call from its recorded output when the tail of the text never came as deltas', () => {
    const bus = new DeltaBus();
    const events$ = new Subject<RecordedEvent>();
    const items = merged(bus, events$);
    events$.next(event('ModelCalled', { stepId: '1-writer', callId: 'c1' }));
    bus.publish(at('Tides ', 0), 'remote');
    events$.next(responded('Tides rise and fall.'));
    expect(shape(items)).toEqual(['ModelCalled', 'delta@0:Tides ', 'delta@6:rise and fall.', 'ModelResponded']);
  });

  it('starts a call already under way with one snapshot, and replaces the text when the call is re-issued', () => {
    const bus = new DeltaBus();
    bus.publish(at('Tides rise', 0));
    const events$ = new Subject<RecordedEvent>();
    const items = merged(bus, events$, true);
    bus.publish(at(' and', 10));
    bus.begin('r1', 'c1');
    bus.publish(at('Tides', 0));
    expect(shape(items)).toEqual(['snap@0:Tides rise', 'delta@10: and', 'snap@0:Tides']);
  });
});
