import type { Pool, PoolClient } from 'pg';

/** A client checked out of the pool (see {@link checkout}). */
export interface CheckedOut {
  client: PoolClient;
  /** Give the client back; a `broken` one, or one whose connection failed meanwhile, is destroyed. */
  release: (broken?: boolean) => void;
}

/**
 * Check a client out of the pool, safe to hold across a pause. The pool listens for connection
 * errors only on idle clients; a checked-out client whose session the server ends between two
 * statements (its idle-in-transaction timeout, after this process was paused mid-transaction)
 * would emit an `error` nobody handles and crash the process. Here the error is kept: the next
 * statement on the client fails, and `release` destroys it.
 * @example
 * ```ts
 * const { client, release } = await checkout(pool);
 * try { await client.query('SELECT 1'); release(); } catch (err) { release(true); throw err; }
 * ```
 */
export async function checkout(pool: Pool): Promise<CheckedOut> {
  const client = await pool.connect();
  let lost: Error | undefined;
  const onError = (err: Error) => (lost = err);
  client.on('error', onError);
  return {
    client,
    release: (broken = false) => {
      // A destroyed client may still report errors: keep listening to it.
      if (lost || broken) return client.release(lost ?? true);
      client.off('error', onError);
      client.release();
    },
  };
}

/**
 * Run `fn` in one transaction on a pooled client: COMMIT on success, ROLLBACK on failure. A
 * client whose ROLLBACK also failed is destroyed instead of going back to the pool.
 * @example
 * ```ts
 * await inTransaction(pool, (client) => client.query('UPDATE …'));
 * ```
 */
export async function inTransaction<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
  const { client, release } = await checkout(pool);
  try {
    await client.query(begin);
    const result = await fn(client);
    await client.query('COMMIT');
    release();
    return result;
  } catch (err) {
    let broken = false;
    await client.query('ROLLBACK').catch(() => (broken = true));
    release(broken);
    throw err;
  }
}
