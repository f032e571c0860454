import { Observable, type Subscriber } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../../src/errors.js';
import type { RecordedEvent } from '../../../src/events/envelope.js';
import type { EventStore, GlobalFrom, SubscribeOptions } from '../../../src/store/eventStore.js';
import { createMemoryStore } from '../../../src/store/memory/index.js';
import { subscribeThroughOutages } from '../../../src/store/throughOutages.js';
import { collect, streamId, transitions } from '../../conformance/testEvents.js';

/** A memory store whose reads the test can make fail, as when its database restarts. */
function flaky() {
  const store = createMemoryStore();
  const open = new Set<Subscriber<RecordedEvent>>();
  const state = { down: false, from: [] as GlobalFrom[], probes: 0 };
  const outage = () => new StoreUnavailableError('test store', { cause: new Error('connection terminated') });
  const view = {
    subscribe: (options: SubscribeOptions = {}) =>
      new Observable<RecordedEvent>((sub) => {
        state.from.push(options.from ?? 'start');
        if (state.down) return sub.error(outage());
        open.add(sub);
        const inner = store.subscribe(options).subscribe(sub);
        return () => {
          open.delete(sub);
          inner.unsubscribe();
        };
      }),
    headPosition: () => {
      state.probes++;
      return state.down ? Promise.reject(outage()) : store.headPosition();
    },
  } as unknown as EventStore;
  return {
    store,
    view,
    state,
    cut(error: unknown = outage()) {
      state.down = true;
      for (const sub of [...open]) sub.error(error);
    },
    restore: () => (state.down = false),
  };
}

const until = async (done: () => boolean) => {
  for (let i = 0; i < 500 && !done(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(done()).toBe(true);
};

let stop: (() => void) | undefined;
afterEach(() => stop?.());

describe('subscribeThroughOutages', () => {
  it('reports an outage once, and after it continues after the last delivered event: no gap, no duplicate', async () => {
    const f = flaky();
    const stream = streamId();
    await f.store.append(stream, transitions(3));
    const seen: RecordedEvent[] = [];
    const reports: string[] = [];
    const sub = subscribeThroughOutages(f.view, { from: 'start' }, { firstRetryMs: 5, maxRetryMs: 20, onOutage: () => reports.push('down'), onRecovered: () => reports.push('up') }).subscribe((e) => seen.push(e));
    stop = () => sub.unsubscribe();
    await until(() => seen.length === 3);
    f.cut();
    await f.store.append(stream, transitions(2, 3));
    const probes = f.state.probes;
    await until(() => f.state.probes >= probes + 3); // several failed retries
    expect(reports).toEqual(['down']);
    f.restore();
    await until(() => seen.length === 5);
    expect(reports).toEqual(['down', 'up']);
    expect(seen.map((e) => e.eventId)).toEqual((await collect(f.store.readStream(stream))).map((e) => e.eventId));
    expect(f.state.from.at(-1)).toBe(seen[2]!.globalPosition);
  });

  it("resolves 'end' when subscribing, so events stored during an outage before the first one are not lost", async () => {
    const f = flaky();
    const stream = streamId();
    await f.store.append(stream, transitions(2));
    const seen: RecordedEvent[] = [];
    const sub = subscribeThroughOutages(f.view, { from: 'end' }, { firstRetryMs: 5, maxRetryMs: 20 }).subscribe((e) => seen.push(e));
    stop = () => sub.unsubscribe();
    await until(() => f.state.from.length === 1);
    f.cut();
    await f.store.append(stream, transitions(1, 2));
    f.restore();
    await until(() => seen.length === 1);
    expect(seen[0]!.streamPosition).toBe(2);
  });

  it('ends with any other error, as the subscription it wraps does', async () => {
    const f = flaky();
    await f.store.append(streamId(), transitions(1));
    let failed: unknown;
    const sub = subscribeThroughOutages(f.view, { from: 'start' }, { firstRetryMs: 5 }).subscribe({ error: (e: unknown) => (failed = e) });
    stop = () => sub.unsubscribe();
    await until(() => f.state.from.length === 1);
    f.cut(new Error('unreadable event'));
    await until(() => failed !== undefined);
    expect((failed as Error).message).toBe('unreadable event');
    f.restore();
    await new Promise((r) => setTimeout(r, 50));
    expect(f.state.from).toHaveLength(1);
  });
});
