/**
 * A declared projection: a fold of a run's log written as one typed handler per event type it
 * reads. Every view of the log (run state, spans, usage, metrics, recorded answers) is one of
 * these values, so adding an event type to the catalogue and to a projection's `reads` fails the
 * build until that projection handles it.
 */
import type { EventData, EventType } from './catalogue.js';
import type { AigenEvent, RecordedEvent } from './envelope.js';

/** The recorded event of one catalogue type. */
export type EventOf<K extends EventType> = RecordedEvent<K, EventData<K>>;

/** One handler per event type in `T`: the state after that event. */
export type ProjectionHandlers<S, T extends EventType> = { readonly [K in T]: (state: S, event: EventOf<K>) => S };

/** A projection of state `S` that reads the event types `T`. */
export interface Projection<S, T extends EventType = EventType> {
  /** What the projection is called (diagnostics, docs). */
  readonly name: string;
  /** The event types it reads, each with a handler in {@link Projection.on}. */
  readonly reads: readonly T[];
  /** The handler of each event type it reads. */
  readonly on: ProjectionHandlers<S, T>;
  /**
   * Bookkeeping applied before the handler to every event the projection is given, read or not
   * (a position, a count). Optional.
   */
  readonly every?: ((state: S, event: AigenEvent, reads: boolean) => S) | undefined;
}

/**
 * Declare a projection. `reads` names the event types; `on` must have exactly one handler for
 * each (TypeScript refuses a missing one and an extra one).
 * @example
 * ```ts
 * const steps = defineProjection<number>()({
 *   name: 'steps',
 *   reads: ['StepCompleted'],
 *   on: { StepCompleted: (n) => n + 1 },
 * });
 * project(steps, 0, event); // 1 for a StepCompleted, 0 for anything else
 * ```
 */
export function defineProjection<S>() {
  return <const T extends EventType>(p: {
    name: string;
    reads: readonly T[];
    on: ProjectionHandlers<S, NoInfer<T>>;
    every?: (state: S, event: AigenEvent, reads: boolean) => S;
  }): Projection<S, T> => p;
}

/** Whether `projection` reads events of `type`. */
export function readsType<S, T extends EventType>(projection: Projection<S, T>, type: string): boolean {
  return (projection.reads as readonly string[]).includes(type);
}

/**
 * Apply one event to a projection's state: its bookkeeping, then its handler for the event's
 * type (the state is unchanged by a type it does not read).
 * @example
 * ```ts
 * let state = initial;
 * for (const e of events) state = project(projection, state, e);
 * ```
 */
export function project<S, T extends EventType>(projection: Projection<S, T>, state: S, event: AigenEvent): S {
  const handler = (projection.on as unknown as Partial<Record<string, (s: S, e: AigenEvent) => S>>)[event.type];
  const before = projection.every ? projection.every(state, event, handler !== undefined) : state;
  return handler ? handler(before, event) : before;
}
