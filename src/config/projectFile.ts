import { randomBytes } from 'node:crypto';
import { unlinkSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { errorMessage } from '../errors.js';
import { defaultCatalog, type Catalog } from './catalog.js';
import { applyProjectConfig, validateProjectConfig, type ProjectConfig } from './project.js';
import { ProjectFileError } from './projectErrors.js';
import { findProjectFile } from './projectPath.js';

/** `aigen` and `aigen/testing` in a project file mean this very copy of aigen (one catalog, one set of classes). */
function selfUrl(subpath: string | undefined): string {
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`../${subpath ? `${subpath}/` : ''}index${ext}`, import.meta.url).href;
}

interface EsbuildMessage {
  text: string;
  location?: { line: number; column: number } | null;
}

/** The place in the project file named by the first stack frame that points into it. */
function placeIn(stack: string | undefined, path: string): { line: number; column: number } | undefined {
  if (!stack) return undefined;
  for (const candidate of [path, pathToFileURL(path).href]) {
    const at = stack.indexOf(`${candidate}:`);
    if (at < 0) continue;
    const m = /^:(\d+):(\d+)/.exec(stack.slice(at + candidate.length));
    if (m) return { line: Number(m[1]), column: Number(m[2]) };
  }
  return undefined;
}

/**
 * Compile the project file (TypeScript or JavaScript, with the local files it imports) into
 * one ES module beside it, import that, and delete it. Packages it imports stay imports, and
 * `aigen` resolves to the running copy. No build step is needed on the user's side.
 */
async function importProjectFile(path: string, shown: string): Promise<unknown> {
  const { build } = await import('esbuild');
  let code: string;
  try {
    const result = await build({
      entryPoints: [path],
      absWorkingDir: dirname(path),
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      sourcemap: 'inline',
      packages: 'external',
      logLevel: 'silent',
      plugins: [
        {
          name: 'aigen-self',
          setup(b) {
            b.onResolve({ filter: /^aigen(\/testing)?$/ }, (args) => ({ path: selfUrl(args.path.split('/')[1]), external: true }));
          },
        },
      ],
    });
    code = result.outputFiles[0]?.text ?? '';
  } catch (err) {
    const first = (err as { errors?: EsbuildMessage[] }).errors?.[0];
    throw new ProjectFileError(shown, first ? `syntax error: ${first.text}` : `cannot be compiled: ${errorMessage(err)}`, {
      cause: err,
      line: first?.location?.line,
      column: first?.location ? first.location.column + 1 : undefined,
    });
  }
  const out = `${path}.timestamp-${Date.now()}-${randomBytes(4).toString('hex')}.mjs`;
  const proc = process as { sourceMapsEnabled?: boolean; setSourceMapsEnabled(on: boolean): void };
  const mapsWereOn = proc.sourceMapsEnabled ?? false;
  try {
    writeFileSync(out, code);
    proc.setSourceMapsEnabled(true); // so a throw names the line of the project file
    const mod = (await import(pathToFileURL(out).href)) as { default?: unknown };
    return mod.default;
  } catch (err) {
    const stack = err instanceof Error ? err.stack : undefined;
    const place = placeIn(stack, path);
    const what = (err as { code?: unknown }).code === 'ERR_MODULE_NOT_FOUND' ? 'cannot be loaded' : 'threw while loading';
    const text = errorMessage(err).replaceAll(pathToFileURL(out).href, shown).replaceAll(out, shown);
    throw new ProjectFileError(shown, `${what}: ${text}`, { cause: err, line: place?.line, column: place?.column });
  } finally {
    proc.setSourceMapsEnabled(mapsWereOn);
    try {
      unlinkSync(out);
    } catch {
      // already gone
    }
  }
}

/** A loaded project file. */
export interface LoadedProject {
  /** Absolute path of the project file; undefined when there is none. */
  file: string | undefined;
  config: ProjectConfig;
  catalog: Catalog;
}

/** Options of {@link loadProject}. */
export interface LoadProjectOptions {
  /** Where to look for `aigen.config.*` (default: the working directory). */
  cwd?: string;
  /** A project file path (what `--config` / `AIGEN_CONFIG` give); relative to `cwd`. */
  config?: string | undefined;
  /** The catalog to register into (default: the default catalog). */
  catalog?: Catalog;
}

/**
 * Load the project file (`aigen.config.ts`, `.mts`, `.js`, `.mjs`, or `options.config`), validate
 * its default export and register its tools, agent types and workflows in the catalog. Without
 * a project file the catalog is left as it is and the config is empty.
 * @throws {ProjectFileError} naming the file (and line) when it does not parse, throws or is invalid.
 * @example
 * ```ts
 * const { catalog, config } = await loadProject({ cwd: process.cwd() });
 * const engine = new WorkflowEngine({ store: await openStore(config.store), catalog });
 * ```
 */
export async function loadProject(options: LoadProjectOptions = {}): Promise<LoadedProject> {
  const cwd = options.cwd ?? process.cwd();
  const catalog = options.catalog ?? defaultCatalog;
  const file = findProjectFile(cwd, options.config);
  if (!file) return { file: undefined, config: {}, catalog };
  const rel = relative(cwd, file);
  const shown = rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
  const config = validateProjectConfig(await importProjectFile(file, shown), shown);
  applyProjectConfig(catalog, config, file, shown);
  return { file, config, catalog };
}
