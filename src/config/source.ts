import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import type { Document, LineCounter, Node } from 'yaml';

const require = createRequire(import.meta.url);
/** The yaml package, loaded on the first workflow file: a run of a built-in workflow never needs it. */
const yaml = (): typeof Yaml => require('yaml') as typeof Yaml;

/** A place in a workflow file: 1-based line and column. */
export interface Position {
  line: number;
  column: number;
}

/** One problem found in a workflow file. */
export interface FileIssue extends Position {
  file: string;
  /** Field path, e.g. `agents[1].type` (empty for the whole document). */
  field: string;
  message: string;
}

/** A parsed workflow file: its data and a way to find where a field path is written. */
export interface SourceFile {
  file: string;
  data: unknown;
  /** Where `path` is: a field's key (or a list item), or the nearest enclosing node when it is missing. */
  locate(path: readonly PropertyKey[]): Position;
}

/** `agents[1].type` from `['agents', 1, 'type']`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, k) => (typeof k === 'number' ? `${out}[${k}]` : out ? `${out}.${String(k)}` : String(k)), '');
}

/** The key node of the field at `path` (or the item node, for a list index), else the deepest existing node on the way. */
function nodeAt(doc: Document, path: readonly PropertyKey[]): Node | undefined {
  const { isMap, isPair, isScalar, isSeq } = yaml();
  let node = doc.contents ?? undefined;
  for (const [i, k] of path.entries()) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(k));
      if (!pair) return node;
      if (i === path.length - 1 || !pair.value) return (pair.key as Node | null) ?? node;
      node = pair.value as Node;
    } else if (isSeq(node) && typeof k === 'number' && node.items[k]) {
      node = node.items[k] as Node;
    } else {
      return node;
    }
  }
  return node;
}

const positionOf = (lc: LineCounter, offset: number): Position => {
  const { line, col } = lc.linePos(offset);
  return { line, column: col };
};

/** The JSON parser's message without the text it quotes, and the offset it names (if any). */
function jsonError(err: unknown): { message: string; offset: number | undefined } {
  const raw = err instanceof Error ? err.message : String(err);
  const m = /at position (\d+)/.exec(raw);
  const message = raw.replace(/ in JSON at position \d+.*$/s, '').replace(/, ".*" is not valid JSON$/s, '');
  return { message, offset: m ? Number(m[1]) : undefined };
}

/**
 * Plain values that run on over a line starting with `- `: a list item indented one space too
 * far (`  - research\n   - writer`) continues the item above, read as `'research - writer'`.
 * Each is reported at the line that was swallowed, with the field it joined.
 */
function joinedLines(doc: Document, text: string, lc: LineCounter, file: string): FileIssue[] {
  const { isMap, isPair, isScalar, isSeq } = yaml();
  const out: FileIssue[] = [];
  const walk = (node: unknown, path: PropertyKey[]): void => {
    if (isSeq(node)) node.items.forEach((item, i) => walk(item, [...path, i]));
    else if (isMap(node)) {
      for (const p of node.items) if (isPair(p) && isScalar(p.key)) walk(p.value, [...path, String(p.key.value)]);
    } else if (isScalar(node) && node.type === 'PLAIN' && node.range) {
      const [start, end] = node.range;
      const lines = text.slice(start, end).split('\n');
      const at = lines.findIndex((l, i) => i > 0 && /^\s*-(\s|$)/.test(l));
      if (at < 0) return;
      const offset = start + lines.slice(0, at).join('\n').length + 1 + (/^\s*/.exec(lines[at]!)?.[0].length ?? 0);
      const second = lines[at]!.trim();
      out.push({
        file,
        ...positionOf(lc, offset),
        field: fieldPath(path),
        message: `two lines were read as one: '${second}' is indented further than the item above it, so YAML continued that item as '${String(node.value)}'; indent both items alike`,
      });
    }
  };
  walk(doc.contents, []);
  return out;
}

/** Largest workflow file accepted: 1 MiB. */
export const MAX_WORKFLOW_FILE_BYTES = 1024 * 1024;
/** How many alias expansions a YAML workflow file may use. */
const MAX_ALIAS_COUNT = 100;

/** The issue of a workflow file over {@link MAX_WORKFLOW_FILE_BYTES}. */
export function tooLarge(file: string, bytes: number): FileIssue {
  return { file, line: 1, column: 1, field: '', message: `file is ${bytes} bytes; workflow files are limited to ${MAX_WORKFLOW_FILE_BYTES} bytes` };
}

/**
 * Parse YAML or JSON text, keeping source ranges. Syntax errors come back as issues with the
 * parser's own position.
 * @example
 * ```ts
 * const r = parseSource('name: x\nkind: sequential\n', 'x.yaml', 'yaml');
 * if ('data' in r) r.locate(['kind']); // { line: 2, column: 1 }
 * ```
 */
export function parseSource(text: string, file: string, format: 'yaml' | 'json'): SourceFile | { issues: FileIssue[] } {
  if (text.length * 3 > MAX_WORKFLOW_FILE_BYTES && Buffer.byteLength(text) > MAX_WORKFLOW_FILE_BYTES) {
    return { issues: [tooLarge(file, Buffer.byteLength(text))] };
  }
  const { LineCounter: Lines, parseDocument, visit } = yaml();
  const lineCounter = new Lines();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (format === 'json') {
    try {
      JSON.parse(text);
    } catch (err) {
      const { message, offset } = jsonError(err);
      const yamlPos = doc.errors[0]?.linePos?.[0];
      const pos = offset !== undefined ? positionOf(lineCounter, offset) : yamlPos ? { line: yamlPos.line, column: yamlPos.col } : { line: 1, column: 1 };
      return { issues: [{ file, ...pos, field: '', message: `invalid JSON: ${message}` }] };
    }
  }
  if (doc.errors.length > 0) {
    return {
      issues: doc.errors.map((e) => {
        const p = e.linePos?.[0] ?? { line: 1, col: 1 };
        return { file, line: p.line, column: p.col, field: '', message: `invalid ${format === 'json' ? 'JSON' : 'YAML'}: ${e.message.split(/ at line \d+/)[0] ?? e.message}` };
      }),
    };
  }
  const joined = joinedLines(doc, text, lineCounter, file);
  if (joined.length > 0) return { issues: joined };
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    // The yaml package refuses documents whose aliases expand too much ("billion laughs").
    let at = { line: 1, column: 1 };
    visit(doc, {
      Alias(_key, node) {
        if (node.range) at = positionOf(lineCounter, node.range[0]);
        return visit.BREAK;
      },
    });
    return { issues: [{ file, ...at, field: '', message: `invalid YAML: aliases expand too much (${(err as Error).message})` }] };
  }
  return {
    file,
    data,
    locate(path) {
      const node = nodeAt(doc, path);
      return node?.range ? positionOf(lineCounter, node.range[0]) : { line: 1, column: 1 };
    },
  };
}
