import { timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { Context, MiddlewareHandler } from 'hono';
import { defaultDecider } from '../runtime/decide.js';
import { bodyLimit } from 'hono/body-limit';
import { ValidationError } from '../errors.js';
import { ApiTokenTooShortError, errorResponse, HttpError } from './errors.js';

/**
 * The Content-Security-Policy of every response: scripts, styles and connections only from this
 * origin, no inline script or style, no plugins, no framing.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * True for names and addresses that only this machine can reach: `localhost`, 127.0.0.0/8, ::1.
 * @example
 * ```ts
 * isLoopbackHost('127.0.0.1'); // true
 * isLoopbackHost('0.0.0.0'); // false: every interface
 * ```
 */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || h === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(h);
  return false;
}

/** Security headers on every response. */
export const securityHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  c.res.headers.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  c.res.headers.set('X-Content-Type-Options', 'nosniff');
  c.res.headers.set('X-Frame-Options', 'DENY');
  c.res.headers.set('Referrer-Policy', 'no-referrer');
  c.res.headers.set('Cross-Origin-Opener-Policy', 'same-origin');
  c.res.headers.set('Cross-Origin-Resource-Policy', 'same-origin');
};

function sameSecret(given: string, token: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** An API token and the name decisions made with it are recorded under. */
export interface NamedToken {
  name: string;
  token: string;
}

/** The tokens a server accepts: `token` (named `api`) and the named `tokens`. */
export function acceptedTokens(options: { token?: string | undefined; tokens?: readonly NamedToken[] | undefined }): NamedToken[] {
  return [...(options.token !== undefined ? [{ name: 'api', token: options.token }] : []), ...(options.tokens ?? [])];
}

/** The accepted token a request sent (`Authorization: Bearer <token>`), if any. */
function sentToken(c: Context, tokens: readonly NamedToken[]): NamedToken | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '');
  const given = match?.[1];
  return given ? tokens.find((t) => sameSecret(given, t.token)) : undefined;
}

/**
 * Who sent a request, as decisions record it: the name of the API token it sent; without tokens
 * (loopback only), the user the server runs as.
 */
export function callerName(c: Context, options: { token?: string | undefined; tokens?: readonly NamedToken[] | undefined }): string {
  const tokens = acceptedTokens(options);
  if (tokens.length === 0) return defaultDecider();
  return sentToken(c, tokens)?.name ?? 'api';
}

/**
 * Guard of `/api`. With tokens: every request needs `Authorization: Bearer <token>` with one of
 * them (401 without). Without (loopback only): the `Host` must be a loopback name, so a web page
 * that rebinds its DNS name to 127.0.0.1 cannot reach the API (403 `FORBIDDEN_HOST`).
 */
export function apiGuard(token: string | undefined, named: readonly NamedToken[] = []): MiddlewareHandler {
  const tokens = acceptedTokens({ token, tokens: named });
  return async (c, next) => {
    if (tokens.length > 0) {
      if (!sentToken(c, tokens)) {
        c.header('WWW-Authenticate', 'Bearer realm="aigen"');
        return errorResponse(c, new HttpError(401, 'UNAUTHORIZED', 'send Authorization: Bearer <AIGEN_API_TOKEN>'));
      }
    } else if (!isLoopbackHost(new URL(c.req.url).hostname)) {
      return errorResponse(c, new HttpError(403, 'FORBIDDEN_HOST', 'this server answers loopback host names only (set AIGEN_API_TOKEN to serve others)'));
    }
    await next();
  };
}

/** The largest request body the API reads: 1 MiB. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** The shortest API token the server accepts. */
export const MIN_API_TOKEN_LENGTH = 16;

/** Throws {@link ApiTokenTooShortError} for a token shorter than {@link MIN_API_TOKEN_LENGTH}. */
export function checkApiToken(token: string | undefined, named: readonly NamedToken[] = []): void {
  for (const t of [...(token !== undefined ? [token] : []), ...named.map((n) => n.token)]) {
    if (t.length < MIN_API_TOKEN_LENGTH) throw new ApiTokenTooShortError(t.length, MIN_API_TOKEN_LENGTH);
  }
}

/**
 * Named tokens from `AIGEN_API_TOKENS`: `name=token` pairs separated by commas (a decision made
 * with a token records its name). A pair without a name or token is a `ValidationError`.
 * @example
 * ```ts
 * parseNamedTokens('alice=3f9c…,bob=a81d…'); // [{ name: 'alice', token: '3f9c…' }, …]
 * ```
 */
export function parseNamedTokens(text: string | undefined): NamedToken[] {
  if (!text?.trim()) return [];
  return text.split(',').map((pair, i) => {
    const eq = pair.indexOf('=');
    const name = pair.slice(0, Math.max(eq, 0)).trim();
    const token = pair.slice(eq + 1).trim();
    if (eq <= 0 || !name || !token) throw new ValidationError(`AIGEN_API_TOKENS: pair ${i + 1} is not name=token`, { path: 'AIGEN_API_TOKENS' });
    return { name, token };
  });
}

/** A path whose percent-encoding does not decode (`/%E0%A4%A`) is a 400, before any route sees it. */
export const wellFormedPath: MiddlewareHandler = async (c, next) => {
  try {
    decodeURIComponent(new URL(c.req.url).pathname);
  } catch {
    return errorResponse(c, new HttpError(400, 'MALFORMED_PATH', 'the request path has malformed percent-encoding', 'path'));
  }
  await next();
};

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** True when the `Origin` header names the host the request was sent to. */
function sameHost(origin: string, requestUrl: string): boolean {
  try {
    return new URL(origin).host === new URL(requestUrl).host;
  } catch {
    return false; // `null` (sandboxed frames, file: pages) or garbage
  }
}

/**
 * Guard of every state-changing request (any method but GET, HEAD and OPTIONS) against what a
 * browser sends cross-site without a CORS preflight: `Sec-Fetch-Site: cross-site` or
 * `same-site`, or an `Origin` other than the server's own host, is a 403; a `Content-Type` other
 * than `application/json` (also for an empty body) is a 415. A page of another origin can send
 * `application/json` only after a preflight, which this server never approves.
 */
export const crossSiteGuard: MiddlewareHandler = async (c, next) => {
  if (SAFE_METHODS.has(c.req.method)) return next();
  const site = c.req.header('sec-fetch-site');
  if (site === 'cross-site' || site === 'same-site') {
    return errorResponse(c, new HttpError(403, 'CROSS_SITE_REQUEST', `refusing a ${site} request: commands are accepted from this server's own pages only`, 'header'));
  }
  const origin = c.req.header('origin');
  if (origin !== undefined && !sameHost(origin, c.req.url)) {
    return errorResponse(c, new HttpError(403, 'FOREIGN_ORIGIN', `refusing a request from origin '${origin}': commands are accepted from this server's own pages only`, 'header'));
  }
  if (!/^application\/json\s*(;|$)/i.test(c.req.header('content-type') ?? '')) {
    return errorResponse(c, new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send Content-Type: application/json (also with an empty body)', 'header'));
  }
  await next();
};

/**
 * Request bodies over {@link MAX_BODY_BYTES} are a 413 (hono's bodyLimit, answered as JSON). The
 * rest of such a body is not read, so the connection closes after the answer.
 */
export const limitBody: MiddlewareHandler = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: (c) => {
    c.header('Connection', 'close');
    return errorResponse(c, new HttpError(413, 'PAYLOAD_TOO_LARGE', `the request body is larger than ${MAX_BODY_BYTES} bytes (1 MiB)`));
  },
});
