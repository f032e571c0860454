import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve as listen } from '@hono/node-server';
import { createServer } from './app.js';
import { browserModule } from './browserModule.js';
import type { ServerOptions } from './deps.js';
import { ApiTokenRequiredError, PortInUseError } from './errors.js';
import { isLoopbackHost } from './security.js';

/** Default port of `aigen serve`. */
export const DEFAULT_PORT = 4400;
/** Default host of `aigen serve`: only this machine can connect. */
export const DEFAULT_HOST = '127.0.0.1';

/** Options of {@link serve}: the app's and where to listen. */
export interface ListenOptions extends ServerOptions {
  /** Default 4400; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. Any other than a loopback address needs `token`. */
  host?: string;
}

/** A listening server. */
export interface RunningServer {
  /** `http://host:port` (the UI's address). */
  url: string;
  port: number;
  host: string;
  /** Stop listening and drop open connections (SSE streams included). */
  close(): Promise<void>;
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * Serve the API and the UI. Refuses (throws {@link ApiTokenRequiredError}) to listen on a
 * non-loopback host without a token.
 * @example
 * ```ts
 * const server = await serve({ store, engine, projections, port: 0 });
 * console.log(server.url); await server.close();
 * ```
 */
export async function serve(options: ListenOptions): Promise<RunningServer> {
  const host = options.host ?? DEFAULT_HOST;
  if (!isLoopbackHost(host) && !options.token && !options.tokens?.length) throw new ApiTokenRequiredError(host);
  const app = createServer(options);
  // The UI's run-state module is bundled now, so a broken build fails the start, not a page load.
  await browserModule();
  return listenOn(app.fetch, host, options.port ?? DEFAULT_PORT);
}

/**
 * Listen with a Hono app's fetch handler on host:port (0: a free port). A port in use is a
 * {@link PortInUseError} naming `flag`, the option that chooses the port.
 */
export async function listenOn(fetch: (request: Request) => Response | Promise<Response>, host: string, port: number, flag = '--port'): Promise<RunningServer> {
  const server = await new Promise<Server>((resolve, reject) => {
    const failed = (err: NodeJS.ErrnoException) => reject(err.code === 'EADDRINUSE' ? new PortInUseError(host, port, flag, { cause: err }) : err);
    const s = listen({ fetch, port, hostname: host }, () => {
      s.off('error', failed);
      resolve(s as Server);
    });
    s.once('error', failed);
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://${urlHost(host)}:${bound}`,
    port: bound,
    host,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
