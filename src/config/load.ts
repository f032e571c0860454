import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { Workflow } from '../machines/workflow.js';
import { buildWorkflow, report, type BuildCatalog, type BuildScope } from './build.js';
import { WorkflowFileError } from './errors.js';
import { rawAgentTypeIssues } from './rawChecks.js';
import { workflowFileSchema } from './schema.js';
import { MAX_WORKFLOW_FILE_BYTES, parseSource, tooLarge, type FileIssue } from './source.js';
import { fileIssues, parseOptions } from './zodIssues.js';

/** Where a workflow text is from and how it is written. */
export interface WorkflowTextOptions {
  /** The name errors give the text, and the base of its `file:` references (default `<input>`, in the working directory). */
  file?: string;
  /** `yaml` (default, unless `file` ends with `.json`) or `json`. */
  format?: 'yaml' | 'json';
  /** Texts of included files by absolute path, used instead of reading them (a recorded source's `includes`). */
  includes?: Readonly<Record<string, string>> | undefined;
}

/** The format a file name implies. */
export function formatOf(file: string): 'yaml' | 'json' {
  return file.toLowerCase().endsWith('.json') ? 'json' : 'yaml';
}

/** `workflows/a.yaml` + `./b.yaml` → `workflows/b.yaml` (kept relative when the including name was). */
function includedName(from: string, ref: string): string {
  return isAbsolute(ref) ? ref : join(dirname(from), ref);
}

/**
 * The texts of included files: read from disk (and kept in `read`, by absolute path), or taken
 * from `recorded` when a run's recorded source is rebuilt.
 */
interface Includes {
  recorded?: Readonly<Record<string, string>> | undefined;
  read: Record<string, string>;
}

/** An included file's text, nothing when it is missing, or its size when it is too large. */
function includedText(abs: string, includes: Includes): { text: string } | { size: number } | undefined {
  const recorded = includes.recorded?.[abs];
  if (recorded !== undefined) return { text: (includes.read[abs] = recorded) };
  if (!existsSync(abs) || !statSync(abs).isFile()) return undefined;
  const { size } = statSync(abs);
  if (size > MAX_WORKFLOW_FILE_BYTES) return { size };
  return { text: (includes.read[abs] = readFileSync(abs, 'utf8')) };
}

/** Parse, validate and build one file's text; issues (its own and its includes') go to `issues`. */
function compile(text: string, file: string, format: 'yaml' | 'json', stack: string[], model: string | undefined, issues: FileIssue[], catalog: BuildCatalog, includes: Includes): Workflow | undefined {
  const source = parseSource(text, file, format);
  if ('issues' in source) {
    issues.push(...source.issues);
    return undefined;
  }
  if (source.data === null || source.data === undefined) {
    issues.push({ file, line: 1, column: 1, field: '', message: 'the file is empty; a workflow needs at least name, kind and its steps' });
    return undefined;
  }
  const { options, allowed } = parseOptions();
  const parsed = workflowFileSchema.safeParse(source.data, options);
  if (!parsed.success) {
    const schemaIssues = fileIssues(parsed.error.issues, source, allowed);
    issues.push(...schemaIssues, ...rawAgentTypeIssues(source, schemaIssues, catalog));
    return undefined;
  }
  const scope: BuildScope = {
    source,
    catalog,
    issues,
    include(ref, at, inherited) {
      const name = includedName(file, ref);
      const abs = resolve(name);
      if (stack.includes(abs)) {
        const chain = [...stack.slice(stack.indexOf(abs)), abs].map((p) => relative(process.cwd(), p) || p);
        report(scope, at, `include cycle: ${chain.join(' → ')}`);
        return undefined;
      }
      const included = includedText(abs, includes);
      if (included === undefined) {
        report(scope, at, `included file '${ref}' not found (looked for ${name})`);
        return undefined;
      }
      if ('size' in included) {
        issues.push(tooLarge(name, included.size));
        return undefined;
      }
      return compile(included.text, name, formatOf(name), [...stack, abs], inherited, issues, catalog, includes);
    },
  };
  return buildWorkflow(scope, parsed.data, [], model);
}

/**
 * Build a workflow from YAML or JSON text against `catalog` (agent types, tools, referenced
 * workflows). `file:` references resolve relative to `options.file`. The public entry is
 * `parseWorkflowSource` (workflowFiles.ts), which defaults the catalog.
 * @throws {WorkflowFileError} naming `file:line:column` and the field path of each problem.
 */
export function compileWorkflowText(text: string, options: WorkflowTextOptions, catalog: BuildCatalog): Workflow {
  const file = options.file ?? '<input>';
  const issues: FileIssue[] = [];
  const includes: Includes = { recorded: options.includes, read: {} };
  const workflow = compile(text, file, options.format ?? formatOf(file), [resolve(file)], undefined, issues, catalog, includes);
  if (!workflow || issues.length > 0) {
    const files = [...new Set(issues.map((i) => i.file))];
    const rank = (i: FileIssue) => files.indexOf(i.file);
    throw new WorkflowFileError(issues.sort((a, b) => rank(a) - rank(b) || a.line - b.line || a.column - b.column));
  }
  workflow.source = {
    text,
    ...(options.file ? { file: resolve(options.file) } : {}),
    ...(options.format ? { format: options.format } : {}),
    ...(Object.keys(includes.read).length ? { includes: includes.read } : {}),
  };
  return workflow;
}

/**
 * Read a workflow file (`.yaml`, `.yml` or `.json`) and build its workflow against `catalog`.
 * @throws {WorkflowFileError} when the file is missing or invalid; the message names `file:line:column` and the field.
 */
export function readWorkflowFile(path: string, catalog: BuildCatalog): Workflow {
  let text: string;
  try {
    // Checked before reading, so a huge file costs no memory.
    const { size } = statSync(path);
    if (size > MAX_WORKFLOW_FILE_BYTES) throw new WorkflowFileError([tooLarge(path, size)]);
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (err instanceof WorkflowFileError) throw err;
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : `cannot read file: ${(err as Error).message}`;
    throw new WorkflowFileError([{ file: path, line: 1, column: 1, field: '', message: reason }], { cause: err });
  }
  return compileWorkflowText(text, { file: path }, catalog);
}

/**
 * True when a workflow spec names a file rather than a registered workflow: it ends with
 * `.yaml`, `.yml` or `.json`, or contains a path separator and exists.
 * @example
 * ```ts
 * isWorkflowFilePath('workflows/my_workflow.yaml'); // true
 * isWorkflowFilePath('content_generation');         // false
 * ```
 */
export function isWorkflowFilePath(spec: string): boolean {
  if (/\.(ya?ml|json)$/i.test(spec)) return true;
  return (spec.includes('/') || spec.includes(sep)) && existsSync(spec) && statSync(spec).isFile();
}
