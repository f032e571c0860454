import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { connectionConfig, openPostgresStore } from '../../../src/store/postgres/index.js';
import { inTransaction } from '../../../src/store/postgres/transaction.js';
import { PG_URL } from '../../support/stores.js';

const schemas: string[] = [];
afterAll(async () => {
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  for (const s of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(s)} CASCADE`);
  await admin.end();
});

describe('a PostgreSQL store whose other client is paused inside a transaction', () => {
  it('a worker paused while holding the claim lock is cut off by the server, and another worker claims the run', async () => {
    const schema = `aigen_paused_${randomBytes(5).toString('hex')}`;
    schemas.push(schema);
    const options = { connectionString: PG_URL, schema, idleInTransactionTimeoutMs: 400 };
    const store = await openPostgresStore(options);
    const leases = store.leases!;
    await leases.enqueue({ runId: 'r1', workflow: 'wf' });

    // What a worker SIGSTOPped in the middle of its claim leaves behind: a connection of the
    // store's kind, idle inside a transaction that holds the schema's claim lock.
    const paused = new pg.Client(connectionConfig(options));
    const lost: Error[] = [];
    paused.on('error', (err) => lost.push(err));
    await paused.connect();
    await paused.query('BEGIN');
    await paused.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`aigen:claim:${schema}`]);

    const claimed = await leases.claim({ workerId: 'B', leaseMs: 60_000, max: 1 });
    expect(claimed).toEqual([{ runId: 'r1', workflow: 'wf', resumed: false }]);
    expect((await leases.leases(['r1']))[0]).toMatchObject({ holder: 'B', live: true });

    // When the paused process continues, its transaction is gone: its next statement fails.
    await expect(paused.query('SELECT 1')).rejects.toThrow();
    expect(lost.map((e) => e.message).join(' ')).toMatch(/idle-in-transaction/);
    await paused.end().catch(() => undefined);
    await store.close();
  });
});

describe('a PostgreSQL store in a process paused inside its own transaction', () => {
  it('when the server ends the session meanwhile, the transaction fails with an error on resuming (no crash) and the pool goes on with a new connection', async () => {
    const pool = new pg.Pool({ ...connectionConfig({ connectionString: PG_URL, idleInTransactionTimeoutMs: 300 }), max: 1 });
    // The pause: nothing sent inside the transaction for longer than the server allows.
    const paused = inTransaction(pool, async (client) => {
      await new Promise((r) => setTimeout(r, 1500));
      return client.query('SELECT 1');
    });
    await expect(paused).rejects.toThrow();
    // The one pooled client was destroyed, not handed out again dead.
    const { rows } = await pool.query<{ one: number }>('SELECT 1 AS one');
    expect(rows).toEqual([{ one: 1 }]);
    await pool.end();
  });
});

describe('opening a PostgreSQL store that other processes are writing to', () => {
  it('takes no lock a writer holds on the streams or lease tables: a store opens while a transaction writes to both', async () => {
    const schema = `aigen_paused_${randomBytes(5).toString('hex')}`;
    schemas.push(schema);
    const options = { connectionString: PG_URL, schema };
    const first = await openPostgresStore(options);
    await first.leases!.enqueue({ runId: 'r0', workflow: 'wf' });
    // A writer in the middle of its transaction: ROW EXCLUSIVE locks on the streams and lease tables
    // (ended after 10 s whatever happens, so a failing open cannot hang the file).
    const writer = new pg.Client({ connectionString: PG_URL });
    await writer.connect();
    await writer.query('BEGIN');
    const q = pg.escapeIdentifier(schema);
    await writer.query(`DELETE FROM ${q}.streams WHERE false`);
    await writer.query(`UPDATE ${q}.run_leases SET claims = claims WHERE run_id = 'r0'`);
    const release = setTimeout(() => void writer.query('ROLLBACK').catch(() => undefined), 10_000);
    const second = await openPostgresStore(options);
    // The writer's transaction (its UPDATE gave it an id) is still the one in progress: the open did not wait for it to end.
    const inTx = await writer.query<{ open: boolean }>('SELECT pg_current_xact_id_if_assigned() IS NOT NULL AS open');
    clearTimeout(release);
    expect(inTx.rows[0]!.open).toBe(true);
    expect(await second.leases!.leases(['r0'])).toHaveLength(1);
    await writer.query('COMMIT').catch(() => undefined);
    await writer.end();
    await second.close();
    await first.close();
  });
});

describe('connectionConfig', () => {
  it('sets a 10 s idle-in-transaction limit by default, none when 0, and refuses a negative one', () => {
    expect(connectionConfig({ connectionString: PG_URL }).idle_in_transaction_session_timeout).toBe(10_000);
    expect(connectionConfig({ connectionString: PG_URL, idleInTransactionTimeoutMs: 0 })).not.toHaveProperty('idle_in_transaction_session_timeout');
    expect(() => connectionConfig({ connectionString: PG_URL, idleInTransactionTimeoutMs: -1 })).toThrow(/idleInTransactionTimeoutMs/);
  });

});
