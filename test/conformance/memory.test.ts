import { randomUUID } from 'node:crypto';
import { openViewStore } from '../../src/projections/open.js';
import type { EventStore } from '../../src/store/eventStore.js';
import { DriverEventStore } from '../../src/store/driverStore.js';
import { MemoryDriver } from '../../src/store/memory/index.js';
import { CASES, describeConformance } from './eventStore.conformance.js';
import { describeLeaseConformance, LEASE_CASES } from './leases.conformance.js';
import { describeViewConformance } from './views.conformance.js';

// No partial text suite: a memory store has no partial text channel (`store.partials` is
// undefined); its deltas stay within its process, which is the only one that can read it.

const ONE_PROCESS = 'a memory store lives in one process: no other store can open its data';

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

describeLeaseConformance({
  name: 'memory',
  open: () => Promise.resolve(new DriverEventStore(new MemoryDriver())),
  openShared: () => Promise.reject(new Error(ONE_PROCESS)),
  unsupported: {
    [LEASE_CASES.shared]: ONE_PROCESS,
    [LEASE_CASES.concurrentClaims]: `${ONE_PROCESS}, and its methods run to completion one at a time`,
  },
});

// The views of a memory store are kept with the store (its localTables), as openViewStore opens them.
let viewsOf: EventStore | undefined;
describeViewConformance({
  name: 'memory',
  open: () => {
    viewsOf = new DriverEventStore(new MemoryDriver());
    return openViewStore('memory:', viewsOf);
  },
  reopen: () => (viewsOf ? openViewStore('memory:', viewsOf) : Promise.reject(new Error('no memory view store has been opened'))),
});
