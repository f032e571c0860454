import { randomBytes } from 'node:crypto';
import { binaryEvent, KurrentDBClient } from '@kurrent/kurrentdb-client';
import { afterAll, beforeAll } from 'vitest';
import { openStore } from '../../src/store/openStore.js';
import { parseKurrentUrl } from '../../src/store/kurrentdb/url.js';
import { startKurrentDouble, type KurrentDouble } from '../support/kurrentdb/server.js';
import { CASES, describeConformance } from './eventStore.conformance.js';

/**
 * KurrentDB: against a real server when AIGEN_TEST_KURRENTDB_URL is set (e.g.
 * `kurrentdb://127.0.0.1:2113?tls=false` after `docker compose up -d kurrentdb`), else against the
 * protocol-level test double. Each store gets its own namespace (stream name prefix), so every
 * test sees an empty store on a shared server.
 */
const REAL_URL = process.env.AIGEN_TEST_KURRENTDB_URL;
let double: KurrentDouble | undefined;
let base = '';
let raw: KurrentDBClient | undefined;
let namespace: string | undefined;

beforeAll(async () => {
  if (REAL_URL) base = REAL_URL;
  else {
    double = await startKurrentDouble();
    base = double.url;
  }
  raw = KurrentDBClient.connectionString(parseKurrentUrl(base).connectionString);
});
afterAll(async () => {
  await raw?.dispose();
  await double?.close();
});

const currentNamespace = (): string => {
  if (!namespace) throw new Error('no kurrentdb store has been opened');
  return namespace;
};
const urlOf = (ns: string): string => `${base}${base.includes('?') ? '&' : '?'}namespace=${ns}`;

describeConformance({
  name: 'kurrentdb',
  open: () => {
    namespace = `t${randomBytes(6).toString('hex')}.`;
    return openStore(urlOf(namespace));
  },
  url: () => urlOf(currentNamespace()),
  reopen: () => openStore(urlOf(currentNamespace())),
  plantRow: async (row) => {
    // Written by the plain client, bypassing aigen's validation: bytes exactly as given.
    await raw!.appendToStream(
      currentNamespace() + row.streamId,
      binaryEvent({ type: row.type, data: Buffer.from(row.data, 'utf8'), metadata: Buffer.from(row.metadata, 'utf8') }),
    );
  },
  unsupported: {
    [CASES.dupElsewhere]:
      'KurrentDB checks event ids per stream only (idempotent writes); it keeps no store-wide index of event ids, so an id stored in another stream is accepted',
    [CASES.dupOtherPositions]:
      "KurrentDB's idempotency check with expected state 'any' accepts a batch whose first id is new without looking at the others, so a later id stored elsewhere in the stream is written again",
    [CASES.largeEvent]:
      "the adapter sends each event in one gRPC append, and the server refuses a message past its size limit (4 MiB gRPC messages on the test double, MaxAppendSize on a real server); events of up to 16 MiB need the adapter to store them in chunks",
    [CASES.groupCommit]:
      'one of its appends repeats an event id stored in another stream, which KurrentDB accepts (event ids are checked per stream); the conflict-alone part is covered by test/integration/kurrentdb.test.ts',
  },
});
