import { KurrentDBClient } from '@kurrent/kurrentdb-client';
import type { EventCodec } from '../../events/codec.js';
import { StoreUnavailableError } from '../../errors.js';
import { DriverEventStore } from '../driverStore.js';
import { KurrentDriver, type KurrentDriverOptions } from './kurrentDriver.js';
import { parseKurrentUrl, redactKurrentUrl } from './url.js';

/** Options of {@link openKurrentStore}. */
export interface KurrentStoreOptions extends KurrentDriverOptions {
  /** A KurrentDB connection string, e.g. `kurrentdb://localhost:2113?tls=false`. */
  connectionString: string;
  codec?: EventCodec;
}

/**
 * Open a KurrentDB event store through `@kurrent/kurrentdb-client` and check that the server
 * answers (an unreachable server fails here with a {@link StoreUnavailableError}). Streams are
 * KurrentDB streams named `<namespace><streamId>`; events are JSON events whose custom metadata
 * holds the envelope's metadata.
 * @example
 * ```ts
 * const store = await openKurrentStore({ connectionString: 'kurrentdb://localhost:2113?tls=false', namespace: 'aigen.' });
 * ```
 */
export async function openKurrentStore(options: KurrentStoreOptions): Promise<DriverEventStore> {
  const target = redactKurrentUrl(options.connectionString) + (options.namespace ? ` (namespace ${options.namespace})` : '');
  let client: KurrentDBClient;
  try {
    client = KurrentDBClient.connectionString(options.connectionString);
  } catch (err) {
    throw new StoreUnavailableError(target, { cause: err });
  }
  const driver = new KurrentDriver(client, target, options);
  try {
    await driver.headPosition();
  } catch (err) {
    await driver.close().catch(() => undefined);
    throw err instanceof StoreUnavailableError ? err : new StoreUnavailableError(target, { cause: err });
  }
  return new DriverEventStore(driver, options.codec);
}

/** Open a KurrentDB store from its URL (see {@link parseKurrentUrl}). Used by `openStore`. */
export function openKurrentStoreUrl(url: string, options: { codec?: EventCodec } & KurrentDriverOptions = {}): Promise<DriverEventStore> {
  const { connectionString, namespace } = parseKurrentUrl(url);
  return openKurrentStore({ ...options, connectionString, namespace });
}

export { KurrentDriver, type KurrentDriverOptions } from './kurrentDriver.js';
export { decodeKurrentPosition, encodeKurrentPosition, type KurrentPosition } from './position.js';
export { parseKurrentUrl, type KurrentUrl } from './url.js';
