import { roleFromName } from '../roles.js';
import type { OfflineRole } from '../roles.js';
import type { ComposeContext } from './context.js';
import { fill, toolSentence } from './context.js';
import { composeAnswer, composeComparison, composeReply } from './answers.js';
import { researchFindings } from './research.js';

const WORK: Record<OfflineRole, string> = {
  research: 'background research',
  writer: 'a well-structured written piece',
  editor: 'careful editing',
  summarizer: 'a concise summary',
  critic: 'a critical review',
  strategy: 'classification and planning',
  orchestrator: 'further coordination',
  assistant: 'specialist attention',
};

/**
 * The orchestrator's one-sentence routing message for a handoff through `toolName`.
 *
 * @example
 * ```ts
 * routingMessage(ctx, 'transfer_to_research');
 * // 'Routing this request to research: it first needs background research on quantum computing.'
 * ```
 */
export function routingMessage(ctx: ComposeContext, toolName: string): string {
  const target = toolName.replace(/^transfer_to_/, '').replace(/_/g, ' ');
  const work = WORK[roleFromName(target) ?? 'assistant'];
  const template = ctx.rng.pick('routing', [
    'Routing this request to {t}: it first needs {w} on {s}.',
    'Handing over to {t}, since the next step is {w} on {s}.',
    'This is a job for {t}: the request about {s} calls for {w}.',
  ] as const);
  return fill(template.replace('{t}', target).replace('{w}', work), ctx);
}

/**
 * The orchestrator's answer when it has no one left to hand over to: a short plan, or the
 * latest specialist output when the team has already worked on the request.
 *
 * @example
 * ```ts
 * composeOrchestrator(ctx).startsWith('Plan for'); // true when nothing has been done yet
 * ```
 */
export function composeOrchestrator(ctx: ComposeContext): string {
  const previous = ctx.conversation.previous;
  if (previous !== undefined && ctx.conversation.calledTools.some((n) => n.startsWith('transfer_to_'))) {
    return `All specialists have contributed; here is the final result.\n\n${previous}`;
  }
  const tool = toolSentence(ctx);
  return [
    fill('Plan for {s}:', ctx),
    '1. Research: gather the key facts, recent developments and open questions.',
    '2. Write: turn the findings into a clear, well-structured draft with a title and conclusion.',
    '3. Review: critique the draft and revise until it is ready.',
    '4. Edit: polish the final piece for clarity, flow and tone.',
    ...(tool ? ['', tool] : []),
  ].join('\n');
}

/**
 * The generic assistant's answer for agent types the offline model does not know; once its tool
 * has answered, the sentence quoting its result.
 *
 * @example
 * ```ts
 * composeAssistant(ctx).startsWith('Here is a short answer on'); // true
 * ```
 */
export function composeAssistant(ctx: ComposeContext): string {
  // Once its tool has answered, the result is the answer (or that the call was rejected, and why).
  if (ctx.toolResult) return toolSentence(ctx);
  const findings = researchFindings(ctx);
  if (ctx.request.kind === 'comparison') return composeComparison(ctx, []);
  if (ctx.request.kind === 'ticket') return composeReply(ctx);
  if (ctx.request.kind === 'question') return composeAnswer(ctx, []);
  const tool = toolSentence(ctx);
  return [
    fill('Here is a short answer on {s}.', ctx),
    findings.slice(0, 2).join(' '),
    `${findings.slice(2, 4).join(' ')}${tool ? ` ${tool}` : ''}`,
    fill(
      ctx.rng.pick('assistant-close', [
        'If you need more depth on {s}, a focused research pass would be the natural next step.',
        'Happy to go further into any part of {s} if that would help.',
      ] as const),
      ctx,
    ),
  ].join('\n\n');
}
