import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, posix, relative, sep } from 'node:path';
import ts from 'typescript';

/**
 * The layers of the source tree, lowest first. A folder may import folders of its own layer or
 * of an earlier one, never of a later one. `src/testing` and `src/index.ts` may import anything;
 * files directly in `src/` (such as `src/errors.ts`) sit below every folder.
 */
export const LAYERS: readonly (readonly string[])[] = [
  ['events'],
  ['store'],
  ['journal'],
  ['actors', 'machines', 'models'],
  ['projections', 'config'],
  ['runtime'],
  ['app'],
  ['cli', 'server', 'web'],
];

/** Folders exempt from the layer rule (they may import anything; nothing may import them). */
export const UNLAYERED: readonly string[] = ['testing', 'index.ts'];

/** Name of the pseudo-folder of files directly in `src/` (other than `index.ts`). */
export const ROOT = '(src)';

/** One import between two files of the graph. */
export interface Edge {
  from: string;
  to: string;
}

/** A file (path relative to the repository, with `/`) and its source text. */
export type SourceFiles = ReadonlyMap<string, string>;

/** Relative import specifiers of a module: static imports, `export … from`, dynamic `import()`. */
export function importSpecifiers(source: string): string[] {
  return ts
    .preProcessFile(source, true, true)
    .importedFiles.map((f) => f.fileName)
    .filter((s) => s.startsWith('.'));
}

/**
 * File-to-file imports among `files`. Specifiers are resolved relative to the importing file;
 * `.js` specifiers are matched to `.ts` sources as NodeNext resolution does. Imports of files
 * outside `files` (packages, root config files) are left out.
 */
export function fileEdges(files: SourceFiles): Edge[] {
  const edges: Edge[] = [];
  const resolve = (spec: string, from: string): string | undefined => {
    const base = posix.normalize(posix.join(posix.dirname(from), spec));
    const stem = base.replace(/\.(js|mjs|ts|mts)$/, '');
    for (const candidate of [base, `${stem}.ts`, `${stem}.mts`, `${stem}.js`, `${stem}.mjs`, `${stem}.d.ts`, `${base}/index.ts`, `${base}/index.js`]) {
      if (files.has(candidate)) return candidate;
    }
    return undefined;
  };
  for (const [from, source] of files) {
    for (const spec of importSpecifiers(source)) {
      const to = resolve(spec, from);
      if (to !== undefined && to !== from) edges.push({ from, to });
    }
  }
  return edges;
}

/** The layer folder of a file: `src/<folder>/…` → folder, `web/…` → `web`, `src/x.ts` → ROOT or `index.ts`. */
export function folderOf(file: string): string | undefined {
  const parts = file.split('/');
  if (parts[0] === 'web') return 'web';
  if (parts[0] !== 'src' || parts.length < 2) return undefined;
  if (parts.length === 2) return parts[1] === 'index.ts' ? 'index.ts' : ROOT;
  return parts[1];
}

/** Rank of a folder in {@link LAYERS}; ROOT is below all, unknown folders are undefined. */
function rankOf(folder: string, layers: readonly (readonly string[])[]): number | undefined {
  if (folder === ROOT) return -1;
  const i = layers.findIndex((layer) => layer.includes(folder));
  return i < 0 ? undefined : i;
}

/** A broken rule, with one import that shows it. */
export interface Violation {
  rule: 'layer' | 'unknown-folder' | 'unlayered-imported' | 'cycle';
  message: string;
}

/** Imports that go from a folder to a later layer, into an unlayered folder, or from an unknown folder. */
export function layerViolations(edges: readonly Edge[], layers = LAYERS, unlayered = UNLAYERED): Violation[] {
  const found = new Map<string, Violation>();
  for (const { from, to } of edges) {
    const a = folderOf(from);
    const b = folderOf(to);
    if (a === undefined || b === undefined || a === b) continue;
    if (unlayered.includes(a)) continue;
    const key = `${a}->${b}`;
    if (found.has(key)) continue;
    if (unlayered.includes(b)) {
      found.set(key, { rule: 'unlayered-imported', message: `${a} imports ${b} (${from} → ${to}); only tests and src/index.ts may` });
      continue;
    }
    const ra = rankOf(a, layers);
    const rb = rankOf(b, layers);
    for (const [folder, rank, file] of [[a, ra, from], [b, rb, to]] as const) {
      if (rank === undefined) found.set(`?${folder}`, { rule: 'unknown-folder', message: `folder '${folder}' (${file}) has no layer: add it to LAYERS` });
    }
    if (ra !== undefined && rb !== undefined && rb > ra) {
      found.set(key, { rule: 'layer', message: `${a} imports the later layer ${b} (${from} → ${to})` });
    }
  }
  return [...found.values()];
}

/**
 * Import cycles among nodes, where `nodeOf` maps a file to its node (its layer folder, or the
 * file itself). Each strongly connected group of more than one node is reported once, with one
 * import per edge inside the group. Imports from unlayered files (tests helpers, the package
 * entry) are left out: they may import anything.
 */
export function cycles(edges: readonly Edge[], nodeOf: (file: string) => string | undefined, unlayered = UNLAYERED): Violation[] {
  const graph = new Map<string, Map<string, Edge>>();
  for (const e of edges) {
    const from = folderOf(e.from);
    if (from !== undefined && unlayered.includes(from)) continue;
    const a = nodeOf(e.from);
    const b = nodeOf(e.to);
    if (a === undefined || b === undefined || a === b) continue;
    if (!graph.has(a)) graph.set(a, new Map());
    if (!graph.has(b)) graph.set(b, new Map());
    if (!graph.get(a)!.has(b)) graph.get(a)!.set(b, e);
  }
  // Tarjan's strongly connected components.
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index);
    index += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)!.keys()) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        group.push(w);
      } while (w !== v);
      if (group.length > 1) groups.push(group.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!idx.has(v)) visit(v);
  return groups.map((group) => {
    const inside = group.flatMap((a) => [...graph.get(a)!].filter(([b]) => group.includes(b)).map(([, e]) => `${e.from} → ${e.to}`));
    return { rule: 'cycle' as const, message: `import cycle between ${group.join(', ')}: ${inside.join('; ')}` };
  });
}

/** Every violation of the layer rule, every cycle between layer folders and every cycle between files. */
export function checkImports(files: SourceFiles, layers = LAYERS, unlayered = UNLAYERED): Violation[] {
  const edges = fileEdges(files);
  return [
    ...layerViolations(edges, layers, unlayered),
    ...cycles(edges, folderOf, unlayered),
    ...cycles(edges, (file) => file, unlayered),
  ];
}

/** Read the source files under `dirs` (relative to `root`): `.ts`, `.mts`, `.js`, `.mjs`. */
export function readSources(root: string, dirs: readonly string[]): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string): void => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return; // a folder that does not exist (yet) has no imports
    }
    for (const name of names) {
      if (name === 'node_modules' || name === 'dist') continue;
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(ts|mts|js|mjs)$/.test(name)) files.set(relative(root, path).split(sep).join('/'), readFileSync(path, 'utf8'));
    }
  };
  for (const d of dirs) walk(join(root, d));
  return files;
}

/** The repository root, from this file's location. */
export const REPO_ROOT = join(dirname(new URL(import.meta.url).pathname), '..', '..', '..');
