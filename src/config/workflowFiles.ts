import type { Workflow } from '../machines/workflow.js';
import { defaultCatalog, type Catalog } from './catalog.js';
import { compileWorkflowText, readWorkflowFile, type WorkflowTextOptions } from './load.js';

/** Options of {@link parseWorkflowSource}. */
export interface ParseWorkflowOptions extends WorkflowTextOptions {
  /** Where the file's agent types, tools and referenced workflows come from (default: the default catalog). */
  catalog?: Catalog;
}

/**
 * Build a workflow from YAML or JSON text. `file:` references resolve relative to `options.file`.
 * @throws {WorkflowFileError} naming `file:line:column` and the field path of each problem.
 * @example
 * ```ts
 * const wf = parseWorkflowSource('name: pair\nkind: sequential\nagents: [writer, editor]\n', { file: 'pair.yaml' });
 * wf.kind; // 'sequential'
 * ```
 */
export function parseWorkflowSource(text: string, options: ParseWorkflowOptions = {}): Workflow {
  const { catalog = defaultCatalog, ...rest } = options;
  return compileWorkflowText(text, rest, catalog);
}

/**
 * Load a workflow file (`.yaml`, `.yml` or `.json`) and build its workflow against `options.catalog`
 * (default: the default catalog).
 * @throws {WorkflowFileError} when the file is missing or invalid; the message names `file:line:column` and the field.
 * @example
 * ```ts
 * const workflow = loadWorkflowFile('examples/workflows/sequential.yaml');
 * await engine.execute(workflow, undefined, 'Write about tides');
 * ```
 */
export function loadWorkflowFile(path: string, options: { catalog?: Catalog } = {}): Workflow {
  return readWorkflowFile(path, options.catalog ?? defaultCatalog);
}
