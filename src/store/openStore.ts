import type { EventCodec } from '../events/codec.js';
import { UnknownStoreError } from './errors.js';
import type { EventStore } from './eventStore.js';

/** The store used when neither `--store` nor `AIGEN_STORE` says otherwise. */
export const DEFAULT_STORE_URL = 'sqlite:.aigen/aigen.db';

/** URL schemes of KurrentDB connection strings (single node or cluster discovery). */
export const KURRENT_SCHEMES: ReadonlySet<string> = new Set(
  ['kurrentdb', 'kurrent', 'kdb', 'esdb'].flatMap((s) => [s, `${s}+discover`]),
);

/** Options of {@link openStore}. */
export interface OpenStoreOptions {
  codec?: EventCodec;
  /** Refuse a store that does not exist yet instead of creating it (SQLite: the file and its directory). */
  mustExist?: boolean;
}

/**
 * Open an event store by URL: `memory:`, `sqlite:<path>[?durability=normal]`,
 * `postgres://…[?schema=name]`, `kurrentdb://host:2113?tls=false[&namespace=prefix]` (or
 * `kurrentdb+discover://…` for a cluster). Adapters are loaded on demand, so core code never imports a
 * database driver. An unknown scheme or an unreachable database is a clear error.
 *
 * @example
 * ```ts
 * const store = await openStore(process.env.AIGEN_STORE ?? DEFAULT_STORE_URL);
 * ```
 */
export async function openStore(url: string = DEFAULT_STORE_URL, options: OpenStoreOptions = {}): Promise<EventStore> {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  switch (scheme) {
    case 'memory': {
      const { createMemoryStore } = await import('./memory/index.js');
      return createMemoryStore(options);
    }
    case 'sqlite': {
      const { openSqliteStoreUrl } = await import('./sqlite/index.js');
      return openSqliteStoreUrl(url, options);
    }
    case 'postgres':
    case 'postgresql': {
      const { openPostgresStoreUrl } = await import('./postgres/index.js');
      return openPostgresStoreUrl(url, options);
    }
    default:
      if (scheme !== undefined && KURRENT_SCHEMES.has(scheme)) {
        const { openKurrentStoreUrl } = await import('./kurrentdb/index.js');
        return openKurrentStoreUrl(url, options);
      }
      if (looksLikeAPath(url, scheme)) {
        throw new UnknownStoreError(`unknown store URL '${url}' — did you mean 'sqlite:${url}'? (a store URL is memory:, sqlite:<path>, postgres://… or kurrentdb://…)`);
      }
      throw new UnknownStoreError(
        `unknown store URL ${scheme ? `scheme '${scheme}:'` : `'${url}'`}; use memory:, sqlite:<path>, postgres://… or kurrentdb://…`,
      );
  }
}

/** Whether a store URL without a known scheme reads as the path of a file (no scheme, or a Windows drive letter). */
function looksLikeAPath(url: string, scheme: string | undefined): boolean {
  return url.trim() !== '' && (scheme === undefined || /^[a-z]:[\\/]/i.test(url));
}
