import { randomUUID } from 'node:crypto';
import { DriverEventStore } from '../../src/store/driverStore.js';
import { MemoryDriver } from '../../src/store/memory/index.js';
import { CASES, describeConformance } from './eventStore.conformance.js';

let driver: MemoryDriver | undefined;

describeConformance({
  name: 'memory',
  open: () => {
    driver = new MemoryDriver();
    return Promise.resolve(new DriverEventStore(driver));
  },
  url: () => undefined,
  reopen: () => Promise.reject(new Error('a memory store cannot be reopened: its data lives in the closed instance')),
  plantRow: (row) => {
    if (!driver) return Promise.reject(new Error('no memory store is open'));
    driver.plantRaw({ eventId: randomUUID(), ...row });
    return Promise.resolve();
  },
  unsupported: {
    [CASES.durability]: 'the memory store keeps events in its own process only; nothing survives the process',
  },
});
