export * from './eventStore.js';
export * from './errors.js';
export * from './openStore.js';
export { DriverEventStore } from './driverStore.js';
export { subscribeThroughOutages, isStoreOutage, type OutageOptions } from './throughOutages.js';
export type { StoreDriver, AppendRequest, DriverFilter } from './driver.js';
export { createMemoryStore } from './memory/index.js';
export type { LeaseStore, RunLease, Claimed, ClaimRequest, EnqueueRequest, WorkerInfo, WorkerRecord } from './leases.js';
export type { PartialTextChannel, StoredPartial } from './partials.js';
