import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll } from 'vitest';
import { openPostgresViewStore } from '../../src/projections/postgres/index.js';
import { openPostgresStoreUrl } from '../../src/store/postgres/index.js';
import { schemaNames } from '../../src/store/postgres/schema.js';
import { describeConformance } from './eventStore.conformance.js';
import { describeLeaseConformance } from './leases.conformance.js';
import { describePartialConformance } from './partials.conformance.js';
import { describeViewConformance } from './views.conformance.js';

/** Database the suites run in; every store gets its own schema there, dropped at the end. */
const BASE_URL = process.env.AIGEN_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const admin = new pg.Pool({ connectionString: BASE_URL, max: 2 });
const created: string[] = [];

const urlOf = (s: string): string => `${BASE_URL}${BASE_URL.includes('?') ? '&' : '?'}schema=${s}`;

afterAll(async () => {
  try {
    for (const s of created) await admin.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(s)} CASCADE`);
  } finally {
    await admin.end();
  }
});

/** The schema most recently handed out by `next()` (a new one each time, dropped after the file's tests). */
function schemaTracker(): { next: () => string; current: () => string } {
  let schema: string | undefined;
  return {
    next: () => {
      schema = `aigen_t_${randomBytes(6).toString('hex')}`;
      created.push(schema);
      return schema;
    },
    current: () => {
      if (!schema) throw new Error('no postgres store has been opened');
      return schema;
    },
  };
}

const events = schemaTracker();
describeConformance({
  name: 'postgres',
  open: () => openPostgresStoreUrl(urlOf(events.next())),
  url: () => urlOf(events.current()),
  reopen: () => openPostgresStoreUrl(urlOf(events.current())),
  plantRow: async (row) => {
    const names = schemaNames(events.current());
    // Insert at the position after the stream's last one, as one statement.
    await admin.query(
      `INSERT INTO ${names.events} (event_id, stream_id, stream_position, type, data, metadata)
       SELECT gen_random_uuid(), $1, coalesce(max(stream_position), -1) + 1, $2, $3, $4 FROM ${names.events} WHERE stream_id = $1`,
      [row.streamId, row.type, row.data, row.metadata],
    );
  },
});

const leases = schemaTracker();
describeLeaseConformance({
  name: 'postgres',
  open: () => openPostgresStoreUrl(urlOf(leases.next())),
  openShared: () => openPostgresStoreUrl(urlOf(leases.current())),
});

const partials = schemaTracker();
describePartialConformance({
  name: 'postgres',
  open: () => openPostgresStoreUrl(urlOf(partials.next())),
  openShared: () => openPostgresStoreUrl(urlOf(partials.current())),
});

const views = schemaTracker();
describeViewConformance({
  name: 'postgres',
  open: () => openPostgresViewStore(BASE_URL, views.next()),
  reopen: () => openPostgresViewStore(BASE_URL, views.current()),
});
