import type { ModelSettings } from '@openai/agents';
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { AigenAgent, type AgentOptions, type AgentOutputType } from '../actors/agent.js';
import { isSdkAgent, refuseUnhonouredTools, UnhonouredFieldError, type AnySdkAgent } from '../actors/sdkFields.js';
import { builtinAgent, type AgentFactory } from '../actors/registry.js';
import type { FactoryOptions } from '../machines/builtins.js';
import type { AnyFunctionTool, Catalog, WorkflowFactory } from './catalog.js';
import { ProjectFileError } from './projectErrors.js';
import { readWorkflowFile } from './load.js';
import { fieldPath } from './source.js';
import { didYouMean } from './suggest.js';
import { describe } from './zodIssues.js';

/** An agent type written as data in the project file. */
export interface AgentDefinition {
  /** What the agent is told; optional when the type's name builds on a built-in type (`writer`, `technical_writer`). */
  instructions?: string;
  description?: string;
  /** Model of agents of this type (default: the run's model). */
  model?: string;
  modelSettings?: ModelSettings;
  /** Tools by name (from `tools`, or registered in code) or as tool objects. */
  tools?: Array<string | AnyFunctionTool>;
  /** Agent ids agents of this type may hand over to. */
  handoffs?: string[];
  /** Structured output: a zod object schema (or an SDK JSON schema definition); the run's result is then the parsed object. */
  outputType?: AgentOutputType;
}

/**
 * A workflow of the project file: a factory, a factory with its description (and `concurrency`:
 * most runs of it executing at once across all workers), or a workflow file path (relative to
 * the project file).
 */
export type WorkflowEntry = WorkflowFactory | { factory: WorkflowFactory; description?: string; kind?: string; concurrency?: number } | string;

/** Price of a model in USD per million tokens. */
export interface ModelPrice {
  inputPerMillion: number;
  outputPerMillion: number;
}

/** What `aigen.config.ts` default-exports (see {@link defineConfig}). */
export interface ProjectConfig {
  /**
   * Agent types by name: an SDK `Agent` (`new Agent({ … })` of `@openai/agents`, run with every
   * field it has), a definition, or a factory `(options) => AigenAgent | Agent`.
   */
  agents?: Record<string, AnySdkAgent | AgentDefinition | AgentFactory>;
  /** Function tools (from `tool({ … })` of `@openai/agents`); agents refer to them by name. */
  tools?: AnyFunctionTool[];
  /** Workflows by name, listed by `aigen workflows` and runnable everywhere the built-ins are. */
  workflows?: Record<string, WorkflowEntry>;
  /** Event store URL when neither `--store` nor `AIGEN_STORE` is given. */
  store?: string;
  /** Default model when neither `--model` nor `AIGEN_MODEL` is given. */
  model?: string;
  /** Prices merged over the built-in price table wherever cost is computed. */
  prices?: Record<string, ModelPrice>;
}

/**
 * Declare the project file (`aigen.config.ts`, `.mts`, `.js` or `.mjs` in the working
 * directory, or `--config PATH` / `AIGEN_CONFIG`). Every `aigen` command loads it, so its
 * agents, tools and workflows work wherever the built-in ones do.
 * @example
 * ```ts
 * // aigen.config.ts
 * export default defineConfig({
 *   tools: [lookupPrice],
 *   agents: { pricer: { instructions: 'Look up prices with lookup_price, then answer.', tools: ['lookup_price'] } },
 *   workflows: { priced_article: () => new DeterministicWorkflow({ name: 'priced_article', agents: [createAgent('pricer'), createAgent('writer')] }) },
 * });
 * ```
 */
export function defineConfig(config: ProjectConfig): ProjectConfig {
  return config;
}

const isFunction = (v: unknown): v is (...args: never[]) => unknown => typeof v === 'function';
const fn = z.custom<(...args: never[]) => unknown>(isFunction, { message: 'expected a function' });
const isTool = (v: unknown): v is AnyFunctionTool =>
  typeof v === 'object' && v !== null && (v as { type?: unknown }).type === 'function' && typeof (v as { name?: unknown }).name === 'string' && isFunction((v as { invoke?: unknown }).invoke);
const toolSchema = z.custom<AnyFunctionTool>(isTool, { message: 'expected a function tool (what tool({ … }) of @openai/agents returns)' });
const sdkAgent = z.custom<AnySdkAgent>(isSdkAgent, { message: 'expected an SDK Agent' });
const isOutputType = (v: unknown): boolean =>
  typeof v === 'object' && v !== null && (typeof (v as { safeParse?: unknown }).safeParse === 'function' || (v as { type?: unknown }).type === 'json_schema');
const outputType = z.custom<AgentOutputType>(isOutputType, { message: "expected a zod object schema (z.object({ … })) or { type: 'json_schema', … }" });
const name = z.string().regex(/^[A-Za-z0-9_.-]+$/, { message: "may only hold letters, digits, '_', '.', '-'" });

const agentDefinition = z.strictObject({
  instructions: z.string().min(1).optional(),
  description: z.string().optional(),
  model: z.string().min(1).optional(),
  modelSettings: z.record(z.string(), z.unknown()).optional(),
  tools: z.array(z.union([z.string().min(1), toolSchema], { error: 'expected a tool name or a function tool' })).optional(),
  handoffs: z.array(name).optional(),
  outputType: outputType.optional(),
});

const workflowObject = z.strictObject({ factory: fn, description: z.string().optional(), kind: z.string().optional(), concurrency: z.number().int().positive().optional() });
const workflowEntry = z.union([fn, z.string().min(1), workflowObject], {
  error: 'expected a factory (options, catalog) => Workflow, { factory, description, concurrency }, or a workflow file path',
});

const priceSchema = z.strictObject({ inputPerMillion: z.number().nonnegative(), outputPerMillion: z.number().nonnegative() });

/** The zod schema of a project file's default export. */
export const projectConfigSchema = z.strictObject({
  agents: z.record(name, z.union([sdkAgent, fn, agentDefinition], { error: 'expected an SDK Agent, an agent definition { instructions, tools, … } or a factory (options) => AigenAgent' })).optional(),
  tools: z.array(toolSchema).optional(),
  workflows: z.record(name, workflowEntry).optional(),
  store: z.string().min(1).optional(),
  model: z.string().min(1).optional(),
  prices: z.record(z.string().min(1), priceSchema).optional(),
});

/** The keys an object of the project file may have, by its path (for "did you mean"). */
function knownKeys(path: readonly PropertyKey[]): readonly string[] {
  if (path.length === 0) return Object.keys(projectConfigSchema.shape);
  if (path.length !== 2) return [];
  if (path[0] === 'agents') return Object.keys(agentDefinition.shape);
  if (path[0] === 'workflows') return Object.keys(workflowObject.shape);
  if (path[0] === 'prices') return Object.keys(priceSchema.shape);
  return [];
}

function message(issue: z.core.$ZodIssue, path: readonly PropertyKey[]): string {
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeys(path);
    return issue.keys.map((k) => `unknown key '${k}'${didYouMean(k, known) || (known.length > 0 ? ` (allowed: ${known.join(', ')})` : '')}`).join('; ');
  }
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'required field missing';
  if (issue.code === 'invalid_type') return `expected ${issue.expected}, got ${describe(issue.input)}`;
  return issue.message;
}

const rootTypeError = (issues: readonly z.core.$ZodIssue[]) => issues.some((i) => i.path.length === 0 && (i.code === 'invalid_type' || i.code === 'custom'));

/** Issues with their full paths; a union given an object reports the problems of the object option (its fields), not the union. */
function flatten(issues: readonly z.core.$ZodIssue[], prefix: PropertyKey[]): Array<[PropertyKey[], string]> {
  return issues.flatMap((i): Array<[PropertyKey[], string]> => {
    const path = [...prefix, ...i.path];
    if (i.code === 'invalid_union' && typeof i.input === 'object' && i.input !== null) {
      const option = i.errors.find((o) => !rootTypeError(o));
      if (option) return flatten(option, path);
    }
    return [[path, message(i, path)]];
  });
}

/**
 * Check a project file's default export; throws {@link ProjectFileError} naming the file and
 * the field path of each problem (`agents.pricer.tools[0]: …`).
 */
export function validateProjectConfig(value: unknown, file: string): ProjectConfig {
  if (value === undefined) throw new ProjectFileError(file, 'has no default export: end it with `export default defineConfig({ … })`');
  const parsed = projectConfigSchema.safeParse(value, { reportInput: true });
  if (!parsed.success) {
    const lines = flatten(parsed.error.issues, []).map(([path, text]) => `${fieldPath(path) || '(the default export)'}: ${text}`);
    throw new ProjectFileError(file, lines.join(`\n${file}: `));
  }
  return value as ProjectConfig;
}

function agentFactory(type: string, def: AgentDefinition, file: string): AgentFactory {
  const base: AgentOptions = {
    ...(def.description !== undefined ? { description: def.description } : {}),
    ...(def.model !== undefined ? { model: def.model } : {}),
    ...(def.modelSettings !== undefined ? { modelSettings: def.modelSettings } : {}),
    ...(def.tools !== undefined ? { tools: def.tools } : {}),
    ...(def.handoffs !== undefined ? { handoffs: def.handoffs } : {}),
    ...(def.outputType !== undefined ? { outputType: def.outputType } : {}),
  };
  refused(type, file, () => refuseUnhonouredTools(def.tools ?? [], type));
  const instructions = def.instructions;
  if (instructions === undefined && !builtinAgent(type)) {
    throw new ProjectFileError(file, `agents.${type}.instructions: required field missing ('${type}' does not build on a built-in agent type)`);
  }
  return (options) => {
    const merged = { ...base, ...options, tools: [...(base.tools ?? []), ...(options.tools ?? [])] };
    if (instructions === undefined) return builtinAgent(type, merged)!;
    return new AigenAgent(type, { description: `${type} agent`, ...merged, instructions: options.instructions ?? instructions });
  };
}

/** Run `check`; a field it refuses becomes a ProjectFileError naming the file and the agent. */
function refused<T>(type: string, file: string, check: () => T): T {
  try {
    return check();
  } catch (err) {
    if (!(err instanceof UnhonouredFieldError)) throw err;
    throw new ProjectFileError(file, `agents.${type}.${err.field}: ${err.reason}`, { cause: err });
  }
}

/**
 * An agent type of an SDK Agent: each agent of it runs that Agent (its id: the type, unless
 * `options.agentId` says otherwise). Refuses at once a field aigen cannot honour.
 */
function sdkAgentFactory(type: string, agent: AnySdkAgent, file: string): AgentFactory {
  refused(type, file, () => AigenAgent.fromSdk(agent, { type, agentId: type }));
  return (options) => AigenAgent.fromSdk(agent, { type, agentId: type, ...options });
}

/** An agent definition naming a tool that is neither built in nor among the file's `tools` is refused at load time. */
function refuseUnknownTools(type: string, def: AgentDefinition, catalog: Catalog, file: string): void {
  const known = catalog.listTools();
  (def.tools ?? []).forEach((t, i) => {
    if (typeof t !== 'string' || known.includes(t)) return;
    const hint = didYouMean(t, known) || (known.length ? ` (known tools: ${known.join(', ')})` : " (no tools are registered: list them in the project file's `tools`)");
    throw new ProjectFileError(file, `agents.${type}.tools[${i}]: unknown tool '${t}'${hint}`);
  });
}

/**
 * Register a validated project config's tools, agent types and workflows in `catalog`.
 * `file` is the project file (workflow file paths are relative to its folder); `shown` is how messages name it.
 */
export function applyProjectConfig(catalog: Catalog, config: ProjectConfig, file: string, shown: string = file): void {
  for (const t of config.tools ?? []) catalog.registerTool(t);
  for (const [type, def] of Object.entries(config.agents ?? {})) {
    if (isSdkAgent(def)) catalog.registerAgent(type, sdkAgentFactory(type, def, shown), { description: def.handoffDescription || `${def.name} (${shown})` });
    else if (typeof def === 'function') catalog.registerAgent(type, def, { description: `${type} (${shown})` });
    else {
      refuseUnknownTools(type, def, catalog, shown);
      catalog.registerAgent(type, agentFactory(type, def, shown), { description: def.description ?? `${type} (${shown})` });
    }
  }
  for (const [wfName, entry] of Object.entries(config.workflows ?? {})) {
    if (typeof entry === 'string') {
      const path = isAbsolute(entry) ? entry : resolve(dirname(resolve(file)), entry);
      catalog.registerWorkflow(wfName, (_o: FactoryOptions, c) => readWorkflowFile(path, c), { description: `workflow file ${entry}` });
    } else if (typeof entry === 'function') {
      catalog.registerWorkflow(wfName, entry, { description: `defined in ${shown}` });
    } else {
      const { factory, concurrency } = entry;
      const limited: WorkflowFactory =
        concurrency === undefined
          ? factory
          : (o, c) => {
              const workflow = factory(o, c);
              workflow.concurrency ??= concurrency;
              return workflow;
            };
      catalog.registerWorkflow(wfName, limited, { description: entry.description ?? `defined in ${shown}`, ...(entry.kind ? { kind: entry.kind } : {}) });
    }
  }
}
