import { Usage } from '@openai/agents';
import type { AgentOutputItem, AssistantMessageItem, FunctionCallItem, ModelRequest, ModelResponse, SerializedTool } from '@openai/agents';
import { classify, labelsFromInstructions } from './classify.js';
import { composeRoleText, criticApproves, makeContext, routingMessage } from './compose/index.js';
import type { ComposeContext } from './compose/index.js';
import { readConversation } from './conversation.js';
import type { Conversation } from './conversation.js';
import { hashHex } from './hash.js';
import { toolArguments } from './args.js';
import { flavorFromName, pickTarget, resolveRole, roleFromName } from './roles.js';
import type { OfflineRole } from './roles.js';
import { refundDeskTurn } from './refund.js';
import { fillSchema } from './schema.js';
import { applyStyle } from './style.js';
import { paragraphs, tokenCount } from './text.js';

/** Settings of one offline model instance that shape its answers. */
export interface RespondSettings {
  /** The agent type given by the runtime; inferred from the instructions when absent. */
  readonly role: string | undefined;
  readonly seed: number;
  readonly approveAfterRevisions: number;
}

/**
 * The offline model's whole decision for one request, as a pure function: call the agent's
 * first ordinary tool until its result is in, then write the role text (or JSON for a
 * structured output type), and hand off through a `transfer_to_…` tool when the rules say so.
 * An agent with an `issue_refund` tool plays a refund desk instead (see `refundDeskTurn`).
 *
 * @example
 * ```ts
 * const response = respond({ input: 'quantum computing', tools: [], handoffs: [], outputType: 'text', modelSettings: {}, tracing: false },
 *   { role: 'research', seed: 0, approveAfterRevisions: 1 });
 * response.output[0]; // { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Research findings on …' }], … }
 * ```
 */
export function respond(request: ModelRequest, settings: RespondSettings): ModelResponse {
  const conversation = readConversation(request.input);
  const role = resolveRole(settings.role, request.systemInstructions);
  const salt = `${settings.seed}|${role}|${request.systemInstructions ?? ''}|${conversation.fullText}`;
  const toolChoice = request.modelSettings.toolChoice;
  const functions = request.tools.filter((t): t is Extract<SerializedTool, { type: 'function' }> => t.type === 'function');
  const transfers = unique([
    ...functions.filter((t) => t.name.startsWith('transfer_to_')).map((t) => t.name),
    ...request.handoffs.map((h) => h.toolName),
  ]);
  const ordinary = functions.filter((t) => !transfers.includes(t.name));
  const tool = ordinary.find((t) => t.name === toolChoice) ?? ordinary[0];
  const mayCall = toolChoice !== 'none';

  const output: AgentOutputItem[] = [];
  const desk = mayCall ? refundDeskTurn(ordinary.map((t) => t.name), conversation, (name, args) => functionCall(name, args, salt), (text) => message(text, salt)) : undefined;
  if (desk) return finish(request, conversation, desk, salt);
  if (mayCall && tool && !conversation.toolResults.has(tool.name)) {
    const args = toolArguments(tool.parameters, { text: conversation.topic, subject: conversation.subject });
    output.push(functionCall(tool.name, JSON.stringify(args), salt));
    return finish(request, conversation, output, salt);
  }

  const ctx = makeContext({
    role,
    flavor: flavorFromName(settings.role),
    conversation,
    seed: settings.seed,
    approveAfterRevisions: settings.approveAfterRevisions,
    toolName: tool?.name,
    instructions: request.systemInstructions,
  });
  const candidates = mayCall ? transferCandidates(transfers, conversation, role) : [];
  const route = role === 'orchestrator' ? pickTarget(candidates, conversation.topic, transferDescriptions(request)) : undefined;
  if (route !== undefined) {
    output.push(message(routingMessage(ctx, route), salt), functionCall(route, '{}', salt));
    return finish(request, conversation, output, salt);
  }
  output.push(message(finalText(request, ctx), salt));
  const target = role === 'critic' ? criticTarget(candidates, criticApproves(ctx)) : candidates[0];
  if (target !== undefined) output.push(functionCall(target, '{}', salt));
  return finish(request, conversation, output, salt);
}

/**
 * The role text, or a JSON document satisfying a structured output type. Once the agent's tool
 * has answered (or an earlier agent's output quotes a tool's result), the text of a shaped role
 * quotes that result, whatever the style asks.
 */
function finalText(request: ModelRequest, ctx: ComposeContext): string {
  const composed = composeRoleText(ctx);
  // Reviews, classifications and routing notes keep their fixed shape: workflows read them.
  const shaped = SHAPED_ROLES.has(ctx.role);
  const keep = shaped ? (ctx.quotedResult ?? '') : '';
  const withResult = keep === '' || composed.includes(keep) ? composed : withSentence(composed, keep);
  const text = shaped ? applyStyle(withResult, ctx.style, ctx.title, keep) : composed;
  if (request.outputType === 'text') return text;
  const approved = ctx.role === 'critic' ? criticApproves(ctx) : undefined;
  const preferred =
    ctx.role === 'strategy'
      ? [strategyLabel(ctx)]
      : approved === undefined
        ? []
        : approved
          ? ['approve', 'approved', 'accept', 'accepted', 'pass', 'done']
          : ['revise', 'revision', 'needs_revision', 'reject', 'rejected', 'fail'];
  const value = fillSchema(request.outputType.schema, {
    subject: ctx.subject,
    title: ctx.title,
    text,
    rng: ctx.rng,
    preferred,
    ...(approved === undefined ? {} : { approved }),
  });
  return JSON.stringify(value);
}

/** `text` with `sentence` as a paragraph of its own after a `#` title or `…:` heading line, else first. */
function withSentence(text: string, sentence: string): string {
  const blocks = paragraphs(text);
  const at = blocks[0] !== undefined && (/^#\s/.test(blocks[0]) || /:$/.test(blocks[0])) ? 1 : 0;
  blocks.splice(at, 0, sentence);
  return blocks.join('\n\n');
}

/** The label the strategy role picks, for a structured output type. */
function strategyLabel(ctx: ComposeContext): string {
  const { labels, info } = labelsFromInstructions(ctx.instructions);
  return classify(ctx.conversation.topic, labels, info).label;
}

/** Roles whose text follows the style rules of their instructions (see `styleFrom`). */
const SHAPED_ROLES: ReadonlySet<OfflineRole> = new Set(['research', 'writer', 'editor', 'summarizer', 'assistant']);

/** Transfer tool name → its description (which names what the target agent does). */
function transferDescriptions(request: ModelRequest): Map<string, string> {
  const out = new Map<string, string>();
  for (const t of request.tools) if (t.type === 'function' && t.name.startsWith('transfer_to_')) out.set(t.name, t.description);
  for (const h of request.handoffs) out.set(h.toolName, h.toolDescription);
  return out;
}

/**
 * Transfer tools still worth calling: those not yet called in this conversation (so a handoff
 * chain cannot loop), except that a writer revising after a critique may go back to a critic.
 */
function transferCandidates(transfers: readonly string[], conversation: Conversation, role: OfflineRole): string[] {
  const revising = role === 'writer' && /^\s*Critique:/im.test(conversation.text);
  return transfers.filter(
    (name) => !conversation.calledTools.includes(name) || (revising && roleOfTransfer(name) === 'critic'),
  );
}

/** A critic hands a critique back to a writer; an approval goes on to anyone but a writer. */
function criticTarget(candidates: readonly string[], approved: boolean): string | undefined {
  if (approved) return candidates.find((name) => roleOfTransfer(name) !== 'writer');
  return candidates.find((name) => roleOfTransfer(name) === 'writer') ?? candidates[0];
}

function roleOfTransfer(name: string): OfflineRole | undefined {
  return roleFromName(name.replace(/^transfer_to_/, ''));
}

function message(text: string, salt: string): AssistantMessageItem {
  return {
    type: 'message',
    id: `msg_${hashHex(`msg|${salt}`)}`,
    role: 'assistant',
    status: 'completed',
    content: [{ type: 'output_text', text }],
  };
}

function functionCall(name: string, args: string, salt: string): FunctionCallItem {
  return { type: 'function_call', callId: `call_${hashHex(`${name}|${salt}`)}`, name, arguments: args, status: 'completed' };
}

function finish(request: ModelRequest, conversation: Conversation, output: AgentOutputItem[], salt: string): ModelResponse {
  const inputTokens = tokenCount(`${request.systemInstructions ?? ''}${conversation.fullText}`);
  const outputTokens = output.reduce((sum, item) => {
    if (item.type === 'function_call') return sum + tokenCount(item.name + item.arguments);
    if (item.type === 'message' && item.role === 'assistant') {
      return sum + item.content.reduce((n, part) => n + (part.type === 'output_text' ? tokenCount(part.text) : 0), 0);
    }
    return sum;
  }, 0);
  const material = JSON.stringify([salt, request.tools.map((t) => t.name), request.handoffs.map((h) => h.toolName), request.outputType]);
  return {
    usage: new Usage({ requests: 1, inputTokens, outputTokens, totalTokens: inputTokens + outputTokens }),
    output,
    responseId: `resp_offline_${hashHex(material)}`,
  };
}

function unique(items: readonly string[]): string[] {
  return [...new Set(items)];
}
