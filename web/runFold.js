// @ts-check
/**
 * A run's events as they arrive and its run state, folded incrementally: each new event is
 * applied once to the newest state, and a position the timeline selects in the past is folded
 * once and kept until another is selected. The fold is the server's own (`./run-state.js`).
 */
import { evolve, foldRunState, initialRunState } from './run-state.js';

/** @typedef {import('./run-state.js').AigenEvent} AigenEvent */
/** @typedef {import('./run-state.js').RunState} RunState */

export function createRunFold() {
  /** @type {AigenEvent[]} */
  const events = [];
  /** @type {RunState} */
  let newest = initialRunState();
  /** @type {{ position: number, state: RunState } | undefined} */
  let past;
  return {
    /** Every event so far, in stream order. */
    events,
    /**
     * Append an event: false (ignored) when it is not after the newest one (a repeat on reconnect).
     * @param {AigenEvent} e
     */
    push(e) {
      if (events.length > 0 && e.streamPosition <= (events[events.length - 1]?.streamPosition ?? -1)) return false;
      events.push(e);
      newest = evolve(newest, e);
      return true;
    },
    /**
     * The run state as of stream position `position` (inclusive).
     * @param {number} position
     * @returns {RunState}
     */
    at(position) {
      if (position >= (events[events.length - 1]?.streamPosition ?? -1)) return newest;
      if (past?.position !== position) past = { position, state: foldRunState(events, position) };
      return past.state;
    },
  };
}
