import type { Catalog } from '../config/catalog.js';
import { isWorkflowFilePath } from '../config/load.js';
import type { Workflow } from '../machines/workflow.js';
import { UnknownWorkflowError } from './errors.js';

/** Options of {@link resolveWorkflow}. */
export interface ResolveWorkflowOptions {
  /**
   * Whether the spec may be a workflow file path (default true). The server says false: a
   * client must not make it read paths.
   */
  files?: boolean;
  /** Field path named by the error (default `workflow`). */
  path?: string;
}

/**
 * The workflow a spec names in `catalog`: a registered workflow, one agent type (a one-step
 * workflow), a comma-separated list of agent types, or (unless `files: false`) a workflow file.
 * @example
 * ```ts
 * resolveWorkflow(catalog, 'content_generation'); resolveWorkflow(catalog, 'research,writer');
 * ```
 */
export function resolveWorkflow(catalog: Catalog, spec: string, options: ResolveWorkflowOptions = {}): Workflow {
  const files = options.files !== false;
  if (catalog.hasWorkflow(spec)) return catalog.createWorkflow(spec);
  // A path before agent types: a type matches by substring (`technical_writer`), and so would `support.yaml`.
  if (files && isWorkflowFilePath(spec)) return catalog.createWorkflow(spec);
  const agents = spec.split(',').map((s) => s.trim());
  if (agents.every((a) => a !== '' && catalog.hasAgentType(a))) return catalog.createWorkflow(agents);
  // A file path, or an agent list naming an unknown type: the catalog says precisely what is wrong.
  if (files) return catalog.createWorkflow(spec);
  throw new UnknownWorkflowError(
    spec,
    catalog.listWorkflows().map((w) => w.name),
    { files, ...(options.path ? { path: options.path } : {}) },
  );
}
