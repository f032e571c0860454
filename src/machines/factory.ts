import { createAgent } from '../actors/registry.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { contentGeneration, contentRouter, dynamicContent, multiPerspective, selfImproving, type FactoryOptions } from './builtins.js';
import { DeterministicWorkflow } from './deterministic.js';
import type { Workflow } from './workflow.js';

/** Builds a workflow; receives the options given to `createWorkflow`. */
export type WorkflowFactory = (options: FactoryOptions) => Workflow;

/** What `listWorkflows()` tells about a registered workflow. */
export interface WorkflowMeta {
  description: string;
  kind?: string;
}

const registry = new Map<string, { factory: WorkflowFactory; meta: WorkflowMeta }>();

/**
 * Register a workflow factory under a name (the seed's `register_workflow_factory`).
 * @example
 * ```ts
 * registerWorkflowFactory('my_workflow', (opts) => new DeterministicWorkflow({ agents: [createAgent('research')], name: 'my_workflow', ...opts }),
 *   { description: 'Custom workflow implementation' });
 * ```
 */
export function registerWorkflowFactory(name: string, factory: WorkflowFactory, meta: WorkflowMeta): void {
  if (!name) throw new ValidationError('workflow name must not be empty', { path: 'name' });
  registry.set(name, { factory, meta });
}

/** Every registered workflow with its description. */
export function listWorkflows(): Array<{ name: string } & WorkflowMeta> {
  return [...registry].map(([name, { meta }]) => ({ name, ...meta }));
}

/** Turns a spec that names a workflow file into its workflow; returns undefined for other specs. */
export type WorkflowFileResolver = (spec: string) => Workflow | undefined;

let fileResolver: WorkflowFileResolver | undefined;

/**
 * Install the hook through which `createWorkflow` loads workflow files. `src/config` installs
 * it when imported (the package entry imports it), so this module stays free of file I/O.
 * @example
 * ```ts
 * setWorkflowFileResolver((spec) => (isWorkflowFilePath(spec) ? loadWorkflowFile(spec) : undefined));
 * ```
 */
export function setWorkflowFileResolver(resolver: WorkflowFileResolver | undefined): void {
  fileResolver = resolver;
}

/**
 * Create a workflow by registered name, a sequential workflow from a list of agent types, or
 * (once `src/config` is loaded, as it is through the package entry) from a workflow file path.
 * @example
 * ```ts
 * createWorkflow('content_generation');
 * createWorkflow(['research', 'writer', 'editor']);
 * createWorkflow('workflows/my_workflow.yaml');
 * ```
 */
export function createWorkflow(spec: string | readonly string[], options: FactoryOptions = {}): Workflow {
  const fromFile = typeof spec === 'string' && !registry.has(spec) ? fileResolver?.(spec) : undefined;
  if (fromFile) return fromFile;
  if (Array.isArray(spec) || (typeof spec === 'string' && spec.includes(',') && !registry.has(spec))) {
    const types = (Array.isArray(spec) ? spec : (spec).split(',')).map((t: string) => t.trim()).filter(Boolean);
    if (types.length === 0) throw new ValidationError('an agent list needs at least one agent type', { path: 'workflow' });
    return new DeterministicWorkflow({ agents: types.map((t) => createAgent(t)), name: options.name ?? types.join('_') });
  }
  const name = spec as string;
  const entry = registry.get(name);
  if (!entry) {
    throw new NotFoundError('workflow', name, { hint: `registered workflows: ${[...registry.keys()].join(', ')}` });
  }
  return entry.factory(options);
}

registerWorkflowFactory('content_generation', contentGeneration, { description: 'research → writer → editor', kind: 'sequential' });
registerWorkflowFactory('dynamic_content', dynamicContent, { description: 'handoff: orchestrator → research → writer', kind: 'handoff' });
registerWorkflowFactory('content_router', contentRouter, { description: 'strategy classifies, then a technical, creative or general path', kind: 'branching' });
registerWorkflowFactory('multi_perspective', multiPerspective, { description: 'technical, creative and general in parallel, aggregated by an editor', kind: 'parallel' });
registerWorkflowFactory('self_improving', selfImproving, { description: 'content_generation, then critique / revise, at most 3 iterations', kind: 'loop' });
