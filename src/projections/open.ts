import { localTable, type EventStore } from '../store/eventStore.js';
import { UnknownStoreError } from '../store/errors.js';
import { KURRENT_SCHEMES } from '../store/openStore.js';
import { ValidationError } from '../errors.js';
import { MemoryViewData, MemoryViewStore } from './memory/index.js';
import { StoreProjections, type ProjectionsHandle, type ProjectionsOptions } from './projections.js';
import type { ViewStore } from './viewStore.js';


/** Where the views of a KurrentDB store live when neither `?views=` nor `AIGEN_VIEW_STORE` says. */
export const DEFAULT_KURRENT_VIEW_STORE = 'sqlite:.aigen/views.db';

const schemeOf = (url: string) => /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();

/**
 * Open the view store that lives beside an event store, chosen by the store's URL: in-process
 * maps for `memory:` (kept per store object), the same file for `sqlite:` (its own connection),
 * the same schema for `postgres://…?schema=`. KurrentDB keeps no tables, so its views live in
 * the store named by the URL's `views` parameter (URL-encoded), else `AIGEN_VIEW_STORE`, else
 * {@link DEFAULT_KURRENT_VIEW_STORE}; they are rebuilt from `$all` wherever they are.
 * @example
 * ```ts
 * const views = await openViewStore('sqlite:.aigen/aigen.db', store);
 * ```
 */
export async function openViewStore(storeUrl: string, store: EventStore): Promise<ViewStore> {
  const scheme = schemeOf(storeUrl);
  if (scheme !== undefined && KURRENT_SCHEMES.has(scheme)) {
    const { parseKurrentUrl } = await import('../store/kurrentdb/url.js');
    const viewsUrl = parseKurrentUrl(storeUrl).views ?? process.env.AIGEN_VIEW_STORE ?? DEFAULT_KURRENT_VIEW_STORE;
    const viewsScheme = schemeOf(viewsUrl);
    if (viewsScheme === undefined || KURRENT_SCHEMES.has(viewsScheme)) {
      throw new ValidationError(`the views of a KurrentDB store need a memory:, sqlite: or postgres:// store, got '${viewsUrl}'`, {
        path: 'views',
      });
    }
    return openViewStore(viewsUrl, store);
  }
  switch (scheme) {
    case 'memory': {
      return new MemoryViewStore(localTable(store, 'views', () => new MemoryViewData()));
    }
    case 'sqlite': {
      const { parseSqliteUrl } = await import('../store/sqlite/index.js');
      const { openSqliteViewStore } = await import('./sqlite/index.js');
      const { path, durability } = parseSqliteUrl(storeUrl);
      return openSqliteViewStore(path, { durability });
    }
    case 'postgres':
    case 'postgresql': {
      const { parsePostgresUrl } = await import('../store/postgres/index.js');
      const { openPostgresViewStore } = await import('./postgres/index.js');
      const { connectionString, schema } = parsePostgresUrl(storeUrl);
      return openPostgresViewStore(connectionString, schema);
    }
    default:
      throw new UnknownStoreError(`no projection views for store URL ${scheme ? `scheme '${scheme}:'` : `'${storeUrl}'`}`);
  }
}

/**
 * The projections of a store: status, trace, runs list and usage views kept in the store's own
 * database by a projection runner. Views built with other projection versions are dropped on open
 * (call `catchUp()` or `start()` to build them). The event store stays the caller's to close.
 * @example
 * ```ts
 * const store = await openStore(url);
 * const projections = await openProjections(url, store);
 * await projections.catchUp();
 * const { rows, nextCursor } = await projections.runs({ status: 'failed', limit: 20 });
 * console.log(renderTraceTree((await projections.trace(rows[0]!.runId))!));
 * await projections.close();
 * ```
 */
export async function openProjections(storeUrl: string, store: EventStore, options: ProjectionsOptions = {}): Promise<ProjectionsHandle> {
  const views = await openViewStore(storeUrl, store);
  const projections = new StoreProjections(store, views, options);
  try {
    await projections.runner.prepare();
  } catch (err) {
    await views.close();
    throw err;
  }
  return projections;
}
