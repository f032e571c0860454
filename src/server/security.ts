import { timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { MiddlewareHandler } from 'hono';
import { errorResponse, HttpError } from './errors.js';

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

/**
 * Guard of `/api`. With a token: every request needs `Authorization: Bearer <token>` (401
 * without). Without one (loopback only): the `Host` must be a loopback name, so a web page that
 * rebinds its DNS name to 127.0.0.1 cannot reach the API (403 `FORBIDDEN_HOST`).
 */
export function apiGuard(token: string | undefined): MiddlewareHandler {
  return async (c, next) => {
    if (token !== undefined) {
      const header = c.req.header('authorization') ?? '';
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
      if (!match?.[1] || !sameSecret(match[1], token)) {
        c.header('WWW-Authenticate', 'Bearer realm="aigen"');
        return errorResponse(c, new HttpError(401, 'UNAUTHORIZED', 'send Authorization: Bearer <AIGEN_API_TOKEN>'));
      }
    } else if (!isLoopbackHost(new URL(c.req.url).hostname)) {
      return errorResponse(c, new HttpError(403, 'FORBIDDEN_HOST', 'this server answers loopback host names only (set AIGEN_API_TOKEN to serve others)'));
    }
    await next();
  };
}
