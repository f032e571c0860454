import type { ComposeContext } from './context.js';
import { composeEditor } from './editor.js';
import { composeAssistant, composeOrchestrator } from './general.js';
import { composeResearch } from './research.js';
import { composeCritic, composeStrategy, composeSummarizer } from './review.js';
import { composeWriter } from './writer.js';

export type { ComposeContext } from './context.js';
export { makeContext } from './context.js';
export { routingMessage } from './general.js';
export { criticApproves } from './review.js';

/**
 * The text the offline model writes for its role.
 *
 * @example
 * ```ts
 * composeRoleText(makeContext({ role: 'research', flavor: undefined, conversation, seed: 0, approveAfterRevisions: 1 }));
 * // 'Research findings on …:\n\n- …'
 * ```
 */
export function composeRoleText(ctx: ComposeContext): string {
  switch (ctx.role) {
    case 'research':
      return composeResearch(ctx);
    case 'writer':
      return composeWriter(ctx);
    case 'editor':
      return composeEditor(ctx);
    case 'critic':
      return composeCritic(ctx);
    case 'strategy':
      return composeStrategy(ctx);
    case 'summarizer':
      return composeSummarizer(ctx);
    case 'orchestrator':
      return composeOrchestrator(ctx);
    case 'assistant':
      return composeAssistant(ctx);
  }
}
