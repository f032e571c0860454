import { NotFoundError } from '../errors.js';
import { AigenAgent, type AgentOptions } from './agent.js';
import { builtinAgentTypes } from './builtins.js';

/** Builds an agent of one type. */
export type AgentFactory = (options: AgentOptions) => AigenAgent;

/** What `listAgentTypes()` tells about a type. */
export interface AgentTypeMeta {
  description: string;
}

const factories = new Map<string, { factory: AgentFactory; meta: AgentTypeMeta }>();

/**
 * Register an agent type so `createAgent(type)` and workflow files can use it.
 * @example
 * ```ts
 * registerAgentFactory('translator', (o) => new AigenAgent('translator', { instructions: 'Translate to French.', ...o }),
 *   { description: 'Translates to French' });
 * ```
 */
export function registerAgentFactory(type: string, factory: AgentFactory, meta: AgentTypeMeta): void {
  factories.set(type, { factory, meta });
}

/**
 * Create an agent of a registered or built-in type (research, writer, editor, orchestrator,
 * strategy, summarizer, critic). Custom types whose name contains a built-in one
 * (e.g. `technical_writer`) start from that type's instructions.
 * @example
 * ```ts
 * const writer = createAgent('writer', { model: 'gpt-4.1-mini' });
 * ```
 */
export function createAgent(type: string, options: AgentOptions = {}): AigenAgent {
  const registered = factories.get(type);
  if (registered) return registered.factory(options);
  const builtin = builtinAgentTypes[type] ?? Object.entries(builtinAgentTypes).find(([name]) => type.includes(name))?.[1];
  if (!builtin) {
    throw new NotFoundError('agent type', type, { hint: `known types: ${listAgentTypes().map((t) => t.type).join(', ')}` });
  }
  return new AigenAgent(type, {
    description: builtin.description,
    ...options,
    instructions: options.instructions ?? builtin.instructions,
  });
}

/** True when `createAgent(type)` would succeed. */
export function hasAgentType(type: string): boolean {
  return factories.has(type) || Object.hasOwn(builtinAgentTypes, type) || Object.keys(builtinAgentTypes).some((n) => type.includes(n));
}

/**
 * Every built-in and registered agent type.
 * @example
 * ```ts
 * listAgentTypes().map((t) => t.type); // ['research', 'writer', …]
 * ```
 */
export function listAgentTypes(): Array<{ type: string } & AgentTypeMeta> {
  const out = Object.entries(builtinAgentTypes).map(([type, b]) => ({ type, description: b.description }));
  for (const [type, { meta }] of factories) if (!(type in builtinAgentTypes)) out.push({ type, ...meta });
  return out;
}
