import type { Pool, PoolClient } from 'pg';

/**
 * Run `fn` in one transaction on a pooled client: COMMIT on success, ROLLBACK on failure. A
 * client whose ROLLBACK also failed is destroyed instead of going back to the pool.
 * @example
 * ```ts
 * await inTransaction(pool, (client) => client.query('UPDATE …'));
 * ```
 */
export async function inTransaction<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query(begin);
    const result = await fn(client);
    await client.query('COMMIT');
    client.release();
    return result;
  } catch (err) {
    let broken = false;
    await client.query('ROLLBACK').catch(() => (broken = true));
    client.release(broken);
    throw err;
  }
}
