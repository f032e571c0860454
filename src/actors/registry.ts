import { NotFoundError } from '../errors.js';
import { AigenAgent, type AgentOptions } from './agent.js';
import { builtinAgentTypes } from './builtins.js';
import { closest } from '../suggest.js';
import type { AnySdkAgent } from './sdkFields.js';

/**
 * Builds an agent of one type: an agent, or an SDK `Agent` (run with every field it has; the
 * type is its id unless `options.agentId` says otherwise).
 */
export type AgentFactory = (options: AgentOptions) => AigenAgent | AnySdkAgent;

/** What a catalog tells about an agent type. */
export interface AgentTypeMeta {
  description: string;
}

/** Anything that creates agents by type: a `Catalog`, or {@link builtinAgents}. */
export interface AgentMaker {
  createAgent(type: string, options?: AgentOptions): AigenAgent;
}

/** The built-in type `type` is, or starts from: itself, or the first built-in whose name it contains (`technical_writer` → writer). */
export function builtinTypeOf(type: string): string | undefined {
  if (Object.hasOwn(builtinAgentTypes, type)) return type;
  return Object.keys(builtinAgentTypes).find((name) => type.includes(name));
}

/**
 * An agent of a built-in type (research, writer, editor, orchestrator, strategy, summarizer,
 * critic), or of a type whose name contains one (`technical_writer` starts from writer's
 * instructions); undefined for any other type.
 * @example
 * ```ts
 * builtinAgent('technical_writer')?.instructions; // the writer's instructions
 * ```
 */
export function builtinAgent(type: string, options: AgentOptions = {}): AigenAgent | undefined {
  const base = builtinTypeOf(type);
  const builtin = base === undefined ? undefined : builtinAgentTypes[base];
  if (!builtin) return undefined;
  return new AigenAgent(type, {
    description: builtin.description,
    ...options,
    instructions: options.instructions ?? builtin.instructions,
  });
}

/** Creates agents of the built-in types only (what the built-in workflows use when no catalog is given). */
export const builtinAgents: AgentMaker = {
  createAgent(type, options) {
    const agent = builtinAgent(type, options);
    if (!agent) {
      const suggestion = closest(type, Object.keys(builtinAgentTypes));
      throw new NotFoundError('agent type', type, { hint: `built-in types: ${Object.keys(builtinAgentTypes).join(', ')}`, ...(suggestion ? { suggestion } : {}) });
    }
    return agent;
  },
};
