import { randomUUID } from 'node:crypto';
import type { Observable, Subscription } from 'rxjs';
import { errorMessage } from '../../src/errors.js';
import type { NewEvent, RecordedEvent } from '../../src/events/envelope.js';
import type { EventStore, ReadAllOptions, ReadStreamOptions } from '../../src/store/eventStore.js';

/** A valid `Transitioned` event of the real catalogue; `n` shows up in `to` so reads can be checked. */
export function transitioned(n: number, options: { eventId?: string; actorId?: string } = {}): NewEvent {
  return {
    eventId: options.eventId ?? randomUUID(),
    type: 'Transitioned',
    data: { actorId: options.actorId ?? 'workflow', from: n === 0 ? null : `s${n - 1}`, to: `s${n}`, event: `E${n}` },
    metadata: { actorId: options.actorId ?? 'workflow' },
  };
}

/** `count` Transitioned events numbered from `start`. */
export function transitions(count: number, start = 0, options: { actorId?: string } = {}): NewEvent[] {
  return Array.from({ length: count }, (_, i) => transitioned(start + i, options));
}

/** A valid `TaskSent` event. */
export function taskSent(input: unknown = 'do it', eventId: string = randomUUID()): NewEvent {
  return { eventId, type: 'TaskSent', data: { stepId: 'step-1', agentId: 'writer', input, attempt: 1 } };
}

/** A fresh stream id under `prefix` (default `run-`). */
export function streamId(prefix = 'run-'): string {
  return `${prefix}${randomUUID()}`;
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of iterable) out.push(x);
  return out;
}

export const readStream = (store: EventStore, id: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> =>
  collect(store.readStream(id, options));

export const readAll = (store: EventStore, options?: ReadAllOptions): Promise<RecordedEvent[]> =>
  collect(store.readAll(options));

/** Read until the iterable throws; return what was delivered before and the error. */
export async function readUntilError<T>(iterable: AsyncIterable<T>): Promise<{ delivered: T[]; error: unknown }> {
  const delivered: T[] = [];
  try {
    for await (const x of iterable) delivered.push(x);
  } catch (error) {
    return { delivered, error };
  }
  return { delivered, error: undefined };
}

/** The `to` field of Transitioned events, e.g. ['s0', 's1']: a compact view of what was read. */
export const tos = (events: readonly RecordedEvent[]): unknown[] => events.map((e) => (e.data as { to: unknown }).to);
export const ids = (events: readonly RecordedEvent[]): string[] => events.map((e) => e.eventId);

/** Collects what a subscription delivers and lets a test wait for a condition on it. */
export class Collector {
  readonly seen: RecordedEvent[] = [];
  error: Error | undefined = undefined;
  completed = false;
  private readonly subscription: Subscription;
  private waiters: Array<() => boolean> = [];

  constructor(source: Observable<RecordedEvent>) {
    this.subscription = source.subscribe({
      next: (e) => {
        this.seen.push(e);
        this.notify();
      },
      error: (e: unknown) => {
        this.error = e instanceof Error ? e : new Error(`subscription failed: ${errorMessage(e)}`);
        this.notify();
      },
      complete: () => {
        this.completed = true;
        this.notify();
      },
    });
  }

  /** Resolves once `condition` holds; rejects if the subscription errors or completes first. */
  until(condition: (seen: readonly RecordedEvent[]) => boolean): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const check = (): boolean => {
        if (condition(this.seen)) resolve();
        else if (this.error !== undefined) reject(this.error);
        else if (this.completed) reject(new Error(`subscription completed after ${this.seen.length} events`));
        else return false;
        return true;
      };
      if (!check()) this.waiters.push(check);
    });
  }

  /** Resolves once the subscription has ended, by error or completion. */
  ended(): Promise<void> {
    return new Promise<void>((resolve) => {
      const check = (): boolean => {
        if (this.error === undefined && !this.completed) return false;
        resolve();
        return true;
      };
      if (!check()) this.waiters.push(check);
    });
  }

  unsubscribe(): void {
    this.subscription.unsubscribe();
  }

  private notify(): void {
    this.waiters = this.waiters.filter((check) => !check());
  }
}
