import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** URL path of the browser module (the UI imports it as `./run-state.js`). */
export const BROWSER_MODULE_PATH = '/run-state.js';

let built: Promise<string> | undefined;

/** The entry: the TypeScript source in a checkout, its compiled JavaScript in a built package. */
function entry(): string {
  const source = fileURLToPath(new URL('../projections/browser/run-state.ts', import.meta.url));
  return existsSync(source) ? source : source.replace(/\.ts$/, '.js');
}

/**
 * The run-state reducer as one ES module for the browser, bundled with esbuild from the same
 * source the server folds with (built once per process, on first use).
 * @example
 * ```ts
 * const code = await browserModule(); // 'export { evolve, … }'
 * ```
 */
export function browserModule(): Promise<string> {
  built ??= (async () => {
    const { build } = await import('esbuild');
    const result = await build({
      entryPoints: [entry()],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      write: false,
      logLevel: 'silent',
    });
    const file = result.outputFiles[0];
    if (!file) throw new Error('esbuild produced no browser module');
    return file.text;
  })();
  built.catch(() => (built = undefined));
  return built;
}
