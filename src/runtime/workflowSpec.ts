import type { Catalog } from '../config/catalog.js';
import { ValidationError } from '../errors.js';
import { Workflow } from '../machines/workflow.js';

/**
 * What `execute`, `start` and `submit` run: a workflow, or what `createWorkflow` makes of a
 * registered name, an agent list (`['research', 'writer']` or `'research,writer'`) or a workflow
 * file, created from the engine's catalog.
 */
export type WorkflowOrName = Workflow | string | readonly string[];

/** The workflow a spec names, created from `catalog` (a workflow is itself). */
export function workflowFromSpec(catalog: Catalog, spec: WorkflowOrName): Workflow {
  if (typeof spec === 'string' || Array.isArray(spec)) return catalog.createWorkflow(spec);
  if (!(spec instanceof Workflow)) {
    throw new ValidationError(`expected a workflow (createWorkflow('content_generation'), new DeterministicWorkflow({ … })) or a workflow name, got ${typeof spec}`, { path: 'workflow' });
  }
  return spec;
}
