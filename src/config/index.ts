/**
 * Configuration: the catalog of agents, tools and workflows; the project file (`aigen.config.ts`);
 * workflow files (YAML or JSON descriptions of workflows of every kind, validated by one zod
 * schema, with errors located at `file:line:column` and the field path).
 * @example
 * ```ts
 * import { createWorkflow, loadWorkflowFile } from 'aigen';
 * const a = loadWorkflowFile('examples/workflows/sequential.yaml');
 * const b = createWorkflow('examples/workflows/handoff.yaml');
 * ```
 */
export { WorkflowFileError, UnrecordedWorkflowError, formatIssue } from './errors.js';
export { recordedWorkflow, type RecordedWorkflowInfo } from './recorded.js';
export { isWorkflowFilePath, formatOf } from './load.js';
export { loadWorkflowFile, parseWorkflowSource, type ParseWorkflowOptions } from './workflowFiles.js';
export {
  workflowFileSchema,
  stepSchema,
  agentSchema,
  modelSettingsSchema,
  workflowKinds,
  type WorkflowKind,
  type WorkflowSpec,
  type StepSpec,
  type AgentSpec,
  type WaitingSpec,
  type RetrySpec,
  type BranchRuleSpec,
} from './schema.js';
export type { FileIssue, Position } from './source.js';
export { closest, levenshtein } from './suggest.js';
