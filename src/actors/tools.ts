import type { FunctionTool } from '@openai/agents';
import { NotFoundError } from '../errors.js';

const tools = new Map<string, FunctionTool<unknown, never>>();

/**
 * Register a function tool by name, so agents and workflow files can refer to it by name.
 * @example
 * ```ts
 * import { tool } from '@openai/agents';
 * registerTool(tool({ name: 'word_count', description: 'Count words', parameters: z.object({ text: z.string() }),
 *   execute: ({ text }) => String(text.split(/\s+/).length) }));
 * ```
 */
export function registerTool(t: FunctionTool<unknown, never>): void {
  tools.set(t.name, t);
}

/** Look up a registered tool; throws `NotFoundError` naming the known ones. */
export function getTool(name: string): FunctionTool<unknown, never> {
  const t = tools.get(name);
  if (!t) throw new NotFoundError('tool', name, { hint: `registered tools: ${[...tools.keys()].join(', ') || 'none'}` });
  return t;
}

/** Names of every registered tool. */
export function listTools(): string[] {
  return [...tools.keys()];
}
