import type { FunctionTool } from '@openai/agents';
import { AigenAgent, type AgentOptions } from '../actors/agent.js';
import { isSdkAgent, type AnySdkAgent } from '../actors/sdkFields.js';
import { builtinAgentTypes } from '../actors/builtins.js';
import { builtinAgent, builtinTypeOf, type AgentFactory, type AgentMaker, type AgentTypeMeta } from '../actors/registry.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { closest } from '../suggest.js';
import { contentGeneration, contentRouter, dynamicContent, multiPerspective, refundDesk, selfImproving, type FactoryOptions } from '../machines/builtins.js';
import { DeterministicWorkflow } from '../machines/deterministic.js';
import type { Workflow } from '../machines/workflow.js';
import { isWorkflowFilePath, readWorkflowFile } from './load.js';

/** A function tool of `@openai/agents` (what `tool({ … })` returns). */
export type AnyFunctionTool = FunctionTool<unknown, never>;

/**
 * Builds a workflow from the options given to `createWorkflow`, whose `name` is the registered
 * name unless `createWorkflow` is given another (spread them into the workflow's constructor to
 * name it). The second argument is the
 * catalog it is created from: create its agents there (`catalog.createAgent('writer')`) so the
 * agent types of that catalog apply.
 */
export type WorkflowFactory = (options: FactoryOptions, catalog: Catalog) => Workflow;

/** What `listWorkflows()` tells about a registered workflow. */
export interface WorkflowMeta {
  description: string;
  kind?: string;
}

/** Options of {@link Catalog}. */
export interface CatalogOptions {
  /** Start with the built-in workflows and agent types (default true). */
  builtins?: boolean;
}

/**
 * The agents, tools and workflows a program, the CLI or the server can use by name: the built-in
 * ones, those of the project file (`aigen.config.ts`) and those registered in code. Each
 * `WorkflowEngine` resolves tool names and recorded workflow names against its catalog; the
 * free functions (`registerWorkflowFactory`, `createAgent`, …) use {@link defaultCatalog}.
 * @example
 * ```ts
 * const catalog = new Catalog()
 *   .registerTool(wordCount)
 *   .registerAgent('counter', (o) => new AigenAgent('counter', { instructions: 'Count words.', tools: ['word_count'], ...o }), { description: 'Counts words' })
 *   .registerWorkflow('count', (o, c) => new DeterministicWorkflow({ name: 'count', agents: [c.createAgent('counter')], ...o }), { description: 'counts' });
 * const engine = new WorkflowEngine({ store, catalog });
 * await engine.execute(catalog.createWorkflow('count'), undefined, 'one two three');
 * ```
 */
export class Catalog implements AgentMaker {
  private readonly agentTypes = new Map<string, { factory: AgentFactory; meta: AgentTypeMeta }>();
  private readonly tools = new Map<string, AnyFunctionTool>();
  private readonly workflows = new Map<string, { factory: WorkflowFactory; meta: WorkflowMeta }>();

  constructor(options: CatalogOptions = {}) {
    if (options.builtins !== false) registerBuiltinWorkflows(this);
  }

  /** Register (or replace) a function tool under its name. */
  registerTool(t: AnyFunctionTool): this {
    if (typeof t?.name !== 'string' || t.name === '') throw new ValidationError('a tool needs a name', { path: 'tool.name' });
    this.tools.set(t.name, t);
    return this;
  }

  /** The tool registered as `name`; throws `NotFoundError` naming the known ones. */
  getTool(name: string): AnyFunctionTool {
    const t = this.tools.get(name);
    if (!t) throw new NotFoundError('tool', name, { hint: `registered tools: ${[...this.tools.keys()].join(', ') || 'none'}` });
    return t;
  }

  hasTool(name: string): boolean {
    return this.tools.has(name);
  }

  /** Names of every registered tool. */
  listTools(): string[] {
    return [...this.tools.keys()];
  }

  /** Register (or replace) an agent type; a built-in type of the same name is replaced too. */
  registerAgent(type: string, factory: AgentFactory, meta: AgentTypeMeta): this {
    if (!type) throw new ValidationError('agent type must not be empty', { path: 'type' });
    this.agentTypes.set(type, { factory, meta });
    return this;
  }

  /**
   * An agent of a registered or built-in type, or of an SDK `Agent` (its id: `options.agentId`,
   * else a slug of its name). Custom types whose name contains a built-in one (e.g.
   * `technical_writer`) start from that type's instructions.
   */
  createAgent(type: string | AnySdkAgent, options: AgentOptions = {}): AigenAgent {
    if (typeof type !== 'string') return AigenAgent.fromSdk(type, options);
    const registered = this.agentTypes.get(type);
    if (registered) {
      const made = this.building(() => registered.factory(options));
      if (made instanceof AigenAgent) return made;
      if (isSdkAgent(made)) return AigenAgent.fromSdk(made, { type, agentId: type, ...options });
      throw new ValidationError(`the factory of agent type '${type}' returned ${made === null ? 'null' : typeof made}, not an agent or an SDK Agent`, { path: `agents.${type}` });
    }
    const agent = builtinAgent(type, options);
    if (!agent) {
      const known = this.listAgentTypes().map((t) => t.type);
      const suggestion = closest(type, known);
      throw new NotFoundError('agent type', type, { hint: `known types: ${known.join(', ')}`, ...(suggestion ? { suggestion } : {}) });
    }
    return agent;
  }

  /** True when `createAgent(type)` would succeed. */
  hasAgentType(type: string): boolean {
    return this.agentTypes.has(type) || builtinTypeOf(type) !== undefined;
  }

  /** Every built-in and registered agent type. */
  listAgentTypes(): Array<{ type: string } & AgentTypeMeta> {
    const out = Object.entries(builtinAgentTypes)
      .filter(([type]) => !this.agentTypes.has(type))
      .map(([type, b]) => ({ type, description: b.description }));
    for (const [type, { meta }] of this.agentTypes) out.push({ type, ...meta });
    return out;
  }

  /** Register (or replace) a workflow factory under a name. */
  registerWorkflow(name: string, factory: WorkflowFactory, meta: WorkflowMeta): this {
    if (!name) throw new ValidationError('workflow name must not be empty', { path: 'name' });
    this.workflows.set(name, { factory, meta });
    return this;
  }

  hasWorkflow(name: string): boolean {
    return this.workflows.has(name);
  }

  /** Every registered workflow with its description. */
  listWorkflows(): Array<{ name: string } & WorkflowMeta> {
    return [...this.workflows].map(([name, { meta }]) => ({ name, ...meta }));
  }

  /**
   * A workflow by registered name, a sequential workflow from a list of agent types (an array
   * or `'a,b'`), or a workflow file (`.yaml`, `.yml`, `.json`) whose agents, tools and
   * referenced workflows come from this catalog.
   */
  createWorkflow(spec: string | readonly string[], options: FactoryOptions = {}): Workflow {
    if (typeof spec === 'string') {
      const entry = this.workflows.get(spec);
      if (entry) {
        // The registered name is the workflow's name unless the options give one, so a factory
        // that spreads its options into a constructor (`{ agents, ...opts }`) is named too.
        const workflow = this.building(() => entry.factory({ ...options, name: options.name ?? spec }, this));
        // A registered workflow is rebuilt by name (from the code current then), not from a source.
        delete workflow.source;
        return workflow;
      }
      if (isWorkflowFilePath(spec)) return readWorkflowFile(spec, this);
    }
    const list: readonly string[] | undefined = typeof spec !== 'string' ? spec : spec.includes(',') ? spec.split(',') : undefined;
    if (list === undefined) {
      const suggestion = closest(spec as string, [...this.workflows.keys()]);
      throw new NotFoundError('workflow', spec as string, { hint: `registered workflows: ${[...this.workflows.keys()].join(', ')}`, ...(suggestion ? { suggestion } : {}) });
    }
    const types = list.map((t) => t.trim()).filter(Boolean);
    if (types.length === 0) throw new ValidationError('an agent list needs at least one agent type', { path: 'workflow' });
    const workflow = new DeterministicWorkflow({ agents: types.map((t) => this.createAgent(t)), name: options.name ?? types.join('_') });
    workflow.source = { agents: types };
    return workflow;
  }

  /**
   * Run a factory with this catalog as the one the free `createAgent` / `createWorkflow` use, so
   * a factory written with them (as in a project file) builds from the catalog it was called from.
   */
  private building<T>(factory: () => T): T {
    building.push(this);
    try {
      return factory();
    } finally {
      building.pop();
    }
  }

  /**
   * Replace the tool names of every agent of `workflow` (nested workflows included) by the
   * tools registered here. The engine does this before a run starts, so an unknown tool is an
   * error before anything is recorded.
   */
  resolveTools(workflow: Workflow): void {
    for (const agent of workflow.agents()) {
      if (agent.tools.some((t) => typeof t === 'string')) {
        agent.tools = agent.tools.map((t) => (typeof t === 'string' ? this.getTool(t) : t));
      }
    }
  }
}

/** The catalogs whose factories are running, innermost last (factories are synchronous). */
const building: Catalog[] = [];

function registerBuiltinWorkflows(c: Catalog): void {
  c.registerWorkflow('content_generation', contentGeneration, { description: 'research → writer → editor', kind: 'sequential' });
  c.registerWorkflow('dynamic_content', dynamicContent, { description: 'handoff: orchestrator → research → writer', kind: 'handoff' });
  c.registerWorkflow('content_router', contentRouter, { description: 'strategy classifies, then a technical, creative or general path', kind: 'branching' });
  c.registerWorkflow('multi_perspective', multiPerspective, { description: 'technical, creative and general in parallel, aggregated by an editor', kind: 'parallel' });
  c.registerWorkflow('self_improving', selfImproving, { description: 'content_generation, then critique / revise, at most 3 iterations', kind: 'loop' });
  c.registerWorkflow('refund_desk', refundDesk, { description: 'a support agent whose issue_refund tool needs approval: the run waits for a decision', kind: 'sequential' });
}

/**
 * The catalog of this process: what `registerWorkflowFactory`, `registerAgentFactory`,
 * `registerTool`, `createAgent` and `createWorkflow` use, and what an engine, the CLI and the
 * server use when given none. The CLI loads the project file into it.
 */
export const defaultCatalog = new Catalog();

/**
 * Register a workflow factory under a name in the default catalog. The factory's options carry
 * `name` (the registered name unless `createWorkflow` is given another), so spreading them into
 * a workflow's constructor names the workflow.
 * @example
 * ```ts
 * registerWorkflowFactory('my_workflow', (opts) => new DeterministicWorkflow({ agents: [createAgent('research')], ...opts }),
 *   { description: 'Custom workflow implementation' });
 * ```
 */
export function registerWorkflowFactory(name: string, factory: WorkflowFactory, meta: WorkflowMeta): void {
  defaultCatalog.registerWorkflow(name, factory, meta);
}

/**
 * Register an agent type in the default catalog, so `createAgent(type)` and workflow files can use it.
 * @example
 * ```ts
 * registerAgentFactory('translator', (o) => new AigenAgent('translator', { instructions: 'Translate to French.', ...o }),
 *   { description: 'Translates to French' });
 * ```
 */
export function registerAgentFactory(type: string, factory: AgentFactory, meta: AgentTypeMeta): void {
  defaultCatalog.registerAgent(type, factory, meta);
}

/**
 * Register a function tool in the default catalog, so agents and workflow files can refer to it by name.
 * @example
 * ```ts
 * import { tool } from '@openai/agents';
 * registerTool(tool({ name: 'word_count', description: 'Count words', parameters: z.object({ text: z.string() }),
 *   execute: ({ text }) => String(text.split(/\s+/).length) }));
 * ```
 */
export function registerTool(t: AnyFunctionTool): void {
  defaultCatalog.registerTool(t);
}

/** A tool of the default catalog; throws `NotFoundError` naming the known ones. */
export function getTool(name: string): AnyFunctionTool {
  return defaultCatalog.getTool(name);
}

/** Names of every tool of the default catalog. */
export function listTools(): string[] {
  return defaultCatalog.listTools();
}

/**
 * Create an agent of a registered or built-in type (research, writer, editor, orchestrator,
 * strategy, summarizer, critic) from `catalog` (default: the catalog whose factory is calling,
 * else the default catalog). Custom types
 * whose name contains a built-in one (e.g. `technical_writer`) start from that type's instructions.
 * @example
 * ```ts
 * const writer = createAgent('writer', { model: 'gpt-4.1-mini' });
 * const weather = createAgent(new Agent({ name: 'Weather', instructions: 'Answer with the weather.', tools: [getWeather] })); // id 'weather'
 * ```
 */
export function createAgent(type: string | AnySdkAgent, options: AgentOptions = {}, catalog: Catalog = building.at(-1) ?? defaultCatalog): AigenAgent {
  return catalog.createAgent(type, options);
}

/** True when `createAgent(type)` would succeed on the default catalog. */
export function hasAgentType(type: string): boolean {
  return defaultCatalog.hasAgentType(type);
}

/**
 * Every built-in and registered agent type of the default catalog.
 * @example
 * ```ts
 * listAgentTypes().map((t) => t.type); // ['research', 'writer', …]
 * ```
 */
export function listAgentTypes(): Array<{ type: string } & AgentTypeMeta> {
  return defaultCatalog.listAgentTypes();
}

/** Every workflow registered in the default catalog, with its description. */
export function listWorkflows(): Array<{ name: string } & WorkflowMeta> {
  return defaultCatalog.listWorkflows();
}

/**
 * Create a workflow by registered name, a sequential workflow from a list of agent types, or from
 * a workflow file path, against `catalog` (default: the catalog whose factory is calling, else
 * the default catalog).
 * @example
 * ```ts
 * createWorkflow('content_generation');
 * createWorkflow(['research', 'writer', 'editor']);
 * createWorkflow('workflows/my_workflow.yaml');
 * ```
 */
export function createWorkflow(spec: string | readonly string[], options: FactoryOptions = {}, catalog: Catalog = building.at(-1) ?? defaultCatalog): Workflow {
  return catalog.createWorkflow(spec, options);
}
