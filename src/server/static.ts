import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono, type Context } from 'hono';
import { BROWSER_MODULE_PATH, browserModule } from './browserModule.js';

/** The package's browser UI folder. */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../web/', import.meta.url));

const TYPES = new Map([
  ['.html', 'text/html; charset=utf-8'],
  ['.js', 'text/javascript; charset=utf-8'],
  ['.mjs', 'text/javascript; charset=utf-8'],
  ['.css', 'text/css; charset=utf-8'],
  ['.svg', 'image/svg+xml'],
  ['.png', 'image/png'],
  ['.ico', 'image/x-icon'],
]);

/** Files served from packages under `/vendor/`: the file's package and its path there. */
const VENDOR: Readonly<Record<string, readonly [pkg: string, file: string]>> = Object.freeze({
  'elk.bundled.js': ['elkjs', 'lib/elk.bundled.js'],
  'markdown-it.mjs': ['markdown-it', 'dist/browser/markdown-it.esm.min.mjs'],
});

/** The package file served as `/vendor/<name>` (own keys only: a name like `__proto__` is just unknown). */
function vendorFile(name: string): readonly [pkg: string, file: string] | undefined {
  return Object.hasOwn(VENDOR, name) ? VENDOR[name] : undefined;
}

/** Tooling files that live in the UI folder but are not part of the UI. */
const NOT_SERVED = /(^|[/\\])(eslint\.config\.js|tsconfig\.json|[^/\\]*\.d\.ts)$/;

const require = createRequire(import.meta.url);

async function sendFile(c: Context, path: string, cache: string): Promise<Response> {
  const type = TYPES.get(extname(path));
  if (!type) return c.notFound();
  try {
    const body = await readFile(path);
    return c.body(body, 200, { 'Content-Type': type, 'Cache-Control': cache });
  } catch {
    return c.notFound();
  }
}

/**
 * The UI: `index.html` for `/` and `/runs/:id` (client-side pages), the files of `webRoot`
 * (html, js, css and images only; never outside the folder), vendored scripts under `/vendor/`,
 * and `/run-state.js`, the run-state reducer bundled from its TypeScript source.
 */
export function staticRoutes(webRoot: string = DEFAULT_WEB_ROOT): Hono {
  const root = resolve(webRoot);
  const app = new Hono();
  const index = (c: Context) => sendFile(c, join(root, 'index.html'), 'no-cache');
  app.get('/', index);
  app.get('/runs/:id', index);
  app.get('/vendor/:file', (c) => {
    const target = vendorFile(c.req.param('file'));
    if (!target) return c.notFound();
    const [pkg, file] = target;
    return sendFile(c, join(dirname(require.resolve(`${pkg}/package.json`)), file), 'public, max-age=86400');
  });
  app.get(BROWSER_MODULE_PATH, async (c) => c.body(await browserModule(), 200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-cache' }));
  app.get('/*', (c) => {
    const path = resolve(root, `.${decodeURIComponent(new URL(c.req.url).pathname)}`);
    if (!path.startsWith(root + sep) || NOT_SERVED.test(path)) return c.notFound();
    return sendFile(c, path, 'no-cache');
  });
  return app;
}
