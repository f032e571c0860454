import type { EventStore } from '../store/eventStore.js';

/**
 * Start following the deltas other processes publish through `store` (when its adapter carries
 * them), into this process's delta bus; returns the function that stops following.
 */
export function followRemoteDeltas(_store: EventStore): () => void {
  return () => undefined;
}
