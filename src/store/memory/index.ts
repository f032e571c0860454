import type { EventCodec } from '../../events/codec.js';
import { DriverEventStore } from '../driverStore.js';
import { MemoryDriver } from './memoryDriver.js';

/**
 * An event store held in this process's memory: for tests, demos and `memory:` URLs.
 * @example
 * ```ts
 * const store = createMemoryStore();
 * await store.append('run-1', [{ type: 'RunCancelled', data: { reason: 'x', usage, durationMs: 0 } }]);
 * ```
 */
export function createMemoryStore(options: { codec?: EventCodec } = {}): DriverEventStore {
  return new DriverEventStore(new MemoryDriver(), options.codec);
}

export { MemoryDriver };
