import type { Conversation } from '../conversation.js';
import { Chooser } from '../hash.js';
import { isPlural, readRequest, type RequestShape } from '../request.js';
import type { OfflineRole, RoleFlavor } from '../roles.js';
import { styleFrom, type Style } from '../style.js';
import { carriedResult, resultSentence, type ToolOutcome } from '../result.js';
import { titleCase } from '../text.js';

/** Everything a composer needs to write one role's text. */
export interface ComposeContext {
  readonly role: OfflineRole;
  readonly flavor: RoleFlavor;
  readonly conversation: Conversation;
  /** The agent's system instructions (empty when it has none). */
  readonly instructions: string;
  /** What the instructions ask of the answer's form. */
  readonly style: Style;
  /** What kind of request the topic is. */
  readonly request: RequestShape;
  /** Short noun phrase the request is about ("quantum computing"). */
  readonly subject: string;
  /** The subject in title case, without a leading article. */
  readonly title: string;
  /** Deterministic chooser keyed by the topic and the model's `seed` option. */
  readonly rng: Chooser;
  /** How many `(revision ` markers the critic needs to see before it approves. */
  readonly approveAfterRevisions: number;
  /** The result of the agent's ordinary function tool (and the call's arguments), once it has answered. */
  readonly toolResult: ToolOutcome | undefined;
  /**
   * The sentence quoting a tool's result that the answer must carry: the agent's own tool's
   * (see `resultSentence`), else the one an earlier agent's output quotes (see `carriedResult`).
   */
  readonly quotedResult: string | undefined;
}

/** Inputs of {@link makeContext}. */
export interface MakeContextOptions {
  readonly role: OfflineRole;
  readonly flavor: RoleFlavor;
  readonly conversation: Conversation;
  readonly seed: number;
  readonly approveAfterRevisions: number;
  readonly toolName?: string | undefined;
  readonly instructions?: string | undefined;
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
  const instructions = options.instructions ?? '';
  const style = styleFrom(instructions);
  // Instructions that ask for a voice or a form also vary the phrasing, so agents with
  // different instructions write visibly different texts about the same topic.
  const styleKey = Object.keys(style).length > 0 ? `|${JSON.stringify(style)}` : '';
  const toolResult: ToolOutcome | undefined =
    options.toolName !== undefined && output !== undefined
      ? { name: options.toolName, output, arguments: conversation.toolArguments.get(options.toolName) }
      : undefined;
  return {
    role: options.role,
    flavor: options.flavor ?? style.flavor,
    conversation,
    instructions,
    style,
    request: readRequest(conversation.topic),
    subject,
    title: titleCase(subject.replace(/^(?:a|an|the)\s+/i, '')) || 'The Topic',
    rng: new Chooser(`${conversation.topic}${styleKey}`, options.seed),
    approveAfterRevisions: options.approveAfterRevisions,
    toolResult,
    quotedResult: toolResult ? resultSentence(toolResult) : carriedResult(conversation.previous),
  };
}

/**
 * Fill `{s}` (subject) and `{S}` (title) placeholders of a template. Words that must agree with
 * the subject are written `{is}`, `{has}`, `{it}`, `{its}` or `{v:singular:plural}`, so plural
 * subjects read right ("volcanoes are", "AI is").
 *
 * @example
 * ```ts
 * fill('Notes on {s}', ctx); // 'Notes on quantum computing'
 * fill('{s} {is} best understood in context.', { subject: 'volcanoes', title: 'Volcanoes' }); // 'volcanoes are best understood in context.'
 * ```
 */
export function fill(template: string, ctx: Pick<ComposeContext, 'subject' | 'title'>): string {
  const plural = isPlural(ctx.subject);
  return template
    .replace(/\{is\}/g, plural ? 'are' : 'is')
    .replace(/\{has\}/g, plural ? 'have' : 'has')
    .replace(/\{it\}/g, plural ? 'they' : 'it')
    .replace(/\{its\}/g, plural ? 'their' : 'its')
    .replace(/\{v:([^:}]+):([^}]+)\}/g, (_m, one: string, many: string) => (plural ? many : one))
    .replace(/\{s\}/g, ctx.subject)
    .replace(/\{S\}/g, ctx.title);
}

/**
 * The sentence that quotes the tool's result (or says the call was rejected), or `''` when the
 * agent's tool has not answered; see `resultSentence`.
 *
 * @example
 * ```ts
 * toolSentence(ctx); // 'The `lookup` tool (query: tea) returned: 42 results.'
 * ```
 */
export function toolSentence(ctx: ComposeContext): string {
  return ctx.toolResult ? resultSentence(ctx.toolResult) : '';
}
