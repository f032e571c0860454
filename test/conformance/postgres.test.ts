import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll } from 'vitest';
import { openPostgresStoreUrl } from '../../src/store/postgres/index.js';
import { schemaNames } from '../../src/store/postgres/schema.js';
import { describeConformance } from './eventStore.conformance.js';

/** Database the suite runs in; every store gets its own schema there, dropped at the end. */
const BASE_URL = process.env.AIGEN_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const admin = new pg.Pool({ connectionString: BASE_URL, max: 2 });
const created: string[] = [];
let schema: string | undefined;

const currentSchema = (): string => {
  if (!schema) throw new Error('no postgres store has been opened');
  return schema;
};
const urlOf = (s: string): string => `${BASE_URL}${BASE_URL.includes('?') ? '&' : '?'}schema=${s}`;

afterAll(async () => {
  try {
    for (const s of created) await admin.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(s)} CASCADE`);
  } finally {
    await admin.end();
  }
});

describeConformance({
  name: 'postgres',
  open: () => {
    schema = `aigen_t_${randomBytes(6).toString('hex')}`;
    created.push(schema);
    return openPostgresStoreUrl(urlOf(schema));
  },
  url: () => urlOf(currentSchema()),
  reopen: () => openPostgresStoreUrl(urlOf(currentSchema())),
  plantRow: async (row) => {
    const names = schemaNames(currentSchema());
    // Insert at the position after the stream's last one, as one statement.
    await admin.query(
      `INSERT INTO ${names.events} (event_id, stream_id, stream_position, type, data, metadata)
       SELECT gen_random_uuid(), $1, coalesce(max(stream_position), -1) + 1, $2, $3, $4 FROM ${names.events} WHERE stream_id = $1`,
      [row.streamId, row.type, row.data, row.metadata],
    );
  },
});
