/**
 * Checks that still run on a workflow file whose schema check failed, so one report lists every
 * mistake the file has (unknown agent types next to misspelt keys), not only the first kind.
 */
import type { BuildCatalog } from './build.js';
import { fieldPath, type FileIssue, type SourceFile } from './source.js';
import { didYouMean } from './suggest.js';

type Path = PropertyKey[];

/** Keys of a workflow that hold one step, and keys that hold several. */
const ONE_STEP = ['classifier', 'aggregator', 'critic', 'reviser', 'generator'] as const;

/**
 * Unknown agent types anywhere in the raw (unvalidated) data of a workflow file, each with a
 * suggestion when one is close; paths that already have an issue are skipped.
 * @example
 * ```ts
 * rawAgentTypeIssues(source, issues, catalog); // [{ field: 'agents[0].type', message: "unknown agent type 'reserch' — did you mean 'research'?", … }]
 * ```
 */
export function rawAgentTypeIssues(source: SourceFile, existing: readonly FileIssue[], catalog: BuildCatalog): FileIssue[] {
  const out: FileIssue[] = [];
  const known = catalog.listAgentTypes().map((t) => t.type);
  const taken = new Set(existing.map((i) => i.field));
  const check = (type: unknown, path: Path) => {
    if (typeof type !== 'string' || type === '' || catalog.hasAgentType(type)) return;
    const field = fieldPath(path);
    if (taken.has(field)) return;
    out.push({ file: source.file, ...source.locate(path), field, message: `unknown agent type '${type}'${didYouMean(type, known)}` });
  };
  const step = (value: unknown, path: Path): void => {
    if (typeof value === 'string') return check(value, path);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
    const o = value as Record<string, unknown>;
    if ('kind' in o) return workflow(o, path);
    if ('workflow' in o || 'file' in o) return;
    check(o.type, [...path, 'type']);
  };
  const workflow = (o: Record<string, unknown>, path: Path): void => {
    if (Array.isArray(o.agents)) o.agents.forEach((s, i) => step(s, [...path, 'agents', i]));
    for (const key of ONE_STEP) if (key in o) step(o[key], [...path, key]);
    if (typeof o.branches === 'object' && o.branches !== null && !Array.isArray(o.branches)) {
      for (const [name, s] of Object.entries(o.branches)) step(s, [...path, 'branches', name]);
    }
  };
  if (typeof source.data === 'object' && source.data !== null && !Array.isArray(source.data)) workflow(source.data as Record<string, unknown>, []);
  return out;
}
