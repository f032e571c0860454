import type { Conversation } from '../conversation.js';
import { Chooser } from '../hash.js';
import type { OfflineRole, RoleFlavor } from '../roles.js';
import { clip, titleCase } from '../text.js';

/** Everything a composer needs to write one role's text. */
export interface ComposeContext {
  readonly role: OfflineRole;
  readonly flavor: RoleFlavor;
  readonly conversation: Conversation;
  /** Short noun phrase the request is about ("quantum computing"). */
  readonly subject: string;
  /** The subject in title case, without a leading article. */
  readonly title: string;
  /** Deterministic chooser keyed by the topic and the seed. */
  readonly rng: Chooser;
  /** How many `(revision ` markers the critic needs to see before it approves. */
  readonly approveAfterRevisions: number;
  /** The result of the agent's ordinary function tool, once it has run. */
  readonly toolResult: { readonly name: string; readonly output: string } | undefined;
}

/** Inputs of {@link makeContext}. */
export interface MakeContextOptions {
  readonly role: OfflineRole;
  readonly flavor: RoleFlavor;
  readonly conversation: Conversation;
  readonly seed: number;
  readonly approveAfterRevisions: number;
  readonly toolName?: string | undefined;
}

/**
 * Build the composer context for one request.
 *
 * @example
 * ```ts
 * const ctx = makeContext({ role: 'research', flavor: undefined, conversation: readConversation('AI'), seed: 0, approveAfterRevisions: 1 });
 * ctx.title; // 'AI'
 * ```
 */
export function makeContext(options: MakeContextOptions): ComposeContext {
  const { conversation } = options;
  const subject = conversation.subject;
  const output = options.toolName !== undefined ? conversation.toolResults.get(options.toolName) : undefined;
  return {
    role: options.role,
    flavor: options.flavor,
    conversation,
    subject,
    title: titleCase(subject.replace(/^(?:a|an|the)\s+/i, '')) || 'The Topic',
    rng: new Chooser(conversation.topic, options.seed),
    approveAfterRevisions: options.approveAfterRevisions,
    toolResult:
      options.toolName !== undefined && output !== undefined
        ? { name: options.toolName, output: clip(output, 240) }
        : undefined,
  };
}

/**
 * Fill `{s}` (subject) and `{S}` (title) placeholders of a template.
 *
 * @example
 * ```ts
 * fill('Notes on {s}', ctx); // 'Notes on quantum computing'
 * ```
 */
export function fill(template: string, ctx: Pick<ComposeContext, 'subject' | 'title'>): string {
  return template.replace(/\{s\}/g, ctx.subject).replace(/\{S\}/g, ctx.title);
}

/**
 * A sentence reporting the tool result, or `''` when the agent has none.
 *
 * @example
 * ```ts
 * toolSentence(ctx); // 'The `lookup` tool returned: 42 results.'
 * ```
 */
export function toolSentence(ctx: ComposeContext): string {
  const result = ctx.toolResult;
  if (!result) return '';
  const output = result.output.trim() === '' ? '(no output)' : result.output.trim();
  return `The \`${result.name}\` tool returned: ${/[.!?…]$/.test(output) ? output : `${output}.`}`;
}
