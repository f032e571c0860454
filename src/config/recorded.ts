import type { WorkflowSource } from '../events/catalogue.js';
import type { Workflow } from '../machines/workflow.js';
import type { Catalog } from './catalog.js';
import { UnrecordedWorkflowError } from './errors.js';
import { compileWorkflowText } from './load.js';

/** The workflow part of a run's RunStarted. */
export interface RecordedWorkflowInfo {
  name: string;
  source?: WorkflowSource | undefined;
}

/**
 * The workflow a recorded run ran, rebuilt for resume, replay and fork: from the source recorded
 * in its RunStarted (a list of agent types, or a workflow file's text and the texts of the files
 * it includes), else the workflow registered under its name in `catalog`.
 * @throws {UnrecordedWorkflowError} when neither is there (the caller must give the workflow).
 * @example
 * ```ts
 * const workflow = recordedWorkflow(catalog, runStarted.workflow, runId);
 * ```
 */
export function recordedWorkflow(catalog: Catalog, info: RecordedWorkflowInfo, runId: string): Workflow {
  const { source } = info;
  if (source && 'agents' in source) return catalog.createWorkflow(source.agents, { name: info.name });
  if (source) {
    const { text, file, format, includes } = source;
    return compileWorkflowText(text, { ...(file ? { file } : {}), ...(format ? { format } : {}), includes }, catalog);
  }
  if (catalog.hasWorkflow(info.name)) return catalog.createWorkflow(info.name);
  throw new UnrecordedWorkflowError(runId, info.name, catalog.listWorkflows().map((w) => w.name));
}
