import { ValidationError } from '../../errors.js';

/** What a `kurrentdb://…` store URL holds besides the client's own connection string. */
export interface KurrentUrl {
  /** The connection string handed to `@kurrent/kurrentdb-client` (aigen's own parameters removed). */
  connectionString: string;
  /** Prepended to every stream name; `$all` reads are narrowed to it. Empty: none. */
  namespace: string;
  /** Where the projection views live (`views` parameter), if given. */
  views: string | undefined;
}

/** The URL with any password masked, for messages. */
export function redactKurrentUrl(url: string): string {
  return url.replace(/:[^:@/]*@/, ':***@');
}

const NAMESPACE = /^[A-Za-z0-9_.:-]*$/;

/**
 * Split a `kurrentdb://` / `kurrentdb+discover://` (or legacy `esdb://`, `esdb+discover://`)
 * store URL into the client's connection string and aigen's parameters: `namespace` (a stream
 * name prefix, so aigen shares a cluster with other applications' streams) and `views` (the
 * URL of the store that keeps the projection views).
 * @example
 * ```ts
 * parseKurrentUrl('kurrentdb://localhost:2113?tls=false&namespace=aigen.');
 * // { connectionString: 'kurrentdb://localhost:2113?tls=false', namespace: 'aigen.', views: undefined }
 * ```
 */
export function parseKurrentUrl(url: string): KurrentUrl {
  const m = /^(kurrentdb|kurrent|kdb|esdb)(\+discover)?:\/\/([^?#]*)(?:\?([^#]*))?$/i.exec(url);
  if (!m || m[3] === '') {
    throw new ValidationError(
      `not a KurrentDB store URL: '${redactKurrentUrl(url)}' (expected kurrentdb://host:2113?tls=false or kurrentdb+discover://host:2113)`,
      { path: 'url' },
    );
  }
  const params = new URLSearchParams(m[4] ?? '');
  const namespace = params.get('namespace') ?? '';
  if (!NAMESPACE.test(namespace) || namespace.startsWith('$')) {
    throw new ValidationError(`KurrentDB namespace '${namespace}' may hold only letters, digits and _ . : - (and must not start with $)`, {
      path: 'url.namespace',
    });
  }
  const views = params.get('views') ?? undefined;
  params.delete('namespace');
  params.delete('views');
  const query = params.toString();
  return { connectionString: `${m[1]}${m[2] ?? ''}://${m[3]}${query === '' ? '' : `?${query}`}`, namespace, views };
}
