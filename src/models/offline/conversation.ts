import type { AgentInputItem } from '@openai/agents';
import { clip, dedent } from './text.js';

/**
 * What the offline model reads out of a request's input (see {@link readConversation}).
 *
 * @example
 * ```ts
 * const { topic, previous } = readConversation(request.input);
 * ```
 */
export interface Conversation {
  /** Message text (user, assistant, system) in order, blank-line separated. */
  readonly text: string;
  /** Everything the input carries (messages, tool calls and results), used for token counts and ids. */
  readonly fullText: string;
  /** The latest user message (or the whole input when it is a string). */
  readonly latestUser: string;
  /** The request: text after `Original request:` when present, else the latest user message. */
  readonly topic: string;
  /** The topic reduced to a short noun phrase for titles ("quantum computing"). */
  readonly subject: string;
  /**
   * The previous agent's output: the `Previous agent '…' output:` block, else the latest
   * assistant message that is a piece of work (not a critique, approval or routing note).
   */
  readonly previous: string | undefined;
  /** Names of the function calls already present in the input, in order. */
  readonly calledTools: readonly string[];
  /** Tool results by tool name (latest wins). */
  readonly toolResults: ReadonlyMap<string, string>;
  /** The arguments (JSON text) of the latest call of each tool, by tool name. */
  readonly toolArguments: ReadonlyMap<string, string>;
}

const COMMON_FIRST_WORDS = new Set([
  'the', 'a', 'an', 'what', 'how', 'why', 'when', 'where', 'which', 'who', 'tips', 'ideas', 'ways', 'guide', 'best',
  'top', 'is', 'are', 'can', 'should', 'do', 'does', 'my', 'our', 'your', 'some', 'this', 'that', 'these', 'those',
]);
const REQUEST_VERBS =
  '(?:please\\s+)?(?:generate|write|create|produce|draft|compose|research|explain|describe|tell\\s+me|give\\s+me|summari[sz]e|analy[sz]e|review|edit|investigate|make|prepare|outline|build|develop|discuss|explore|report|find|look\\s+into|plan|classify|critique)';
const ABOUT_RE = new RegExp(`^${REQUEST_VERBS}\\b[^.?!]{0,60}?\\b(?:about|on|regarding|concerning|covering)\\s+(.+)$`, 'i');
const VERB_RE = new RegExp(`^${REQUEST_VERBS}\\b\\s*(?:me\\s+)?(.+)$`, 'i');

/**
 * Read a request input (string or SDK items) into a {@link Conversation}.
 *
 * @example
 * ```ts
 * const c = readConversation('Research and write about quantum computing');
 * c.topic;   // 'Research and write about quantum computing'
 * c.subject; // 'quantum computing'
 * ```
 */
export function readConversation(input: string | readonly AgentInputItem[]): Conversation {
  const messages: string[] = [];
  const full: string[] = [];
  const calledTools: string[] = [];
  const namesByCallId = new Map<string, string>();
  const toolResults = new Map<string, string>();
  const toolArguments = new Map<string, string>();
  let latestUser = '';
  const assistant: string[] = [];

  if (typeof input === 'string') {
    messages.push(input);
    full.push(input);
    latestUser = input;
  } else {
    for (const item of input) {
      const raw = item as unknown as Record<string, unknown>;
      const type = typeof raw.type === 'string' ? raw.type : 'message';
      if (type === 'message' && typeof raw.role === 'string') {
        const text = contentText(raw.content);
        messages.push(text);
        full.push(text);
        if (raw.role === 'user') latestUser = text;
        if (raw.role === 'assistant' && text.trim() !== '') assistant.push(text);
      } else if (type === 'function_call' && typeof raw.name === 'string') {
        calledTools.push(raw.name);
        const callId = str(raw.callId) ?? str(raw.call_id);
        if (callId) namesByCallId.set(callId, raw.name);
        toolArguments.set(raw.name, str(raw.arguments) ?? '');
        full.push(`${raw.name}(${str(raw.arguments) ?? ''})`);
      } else if (type === 'function_call_result' || type === 'function_call_output') {
        const callId = str(raw.callId) ?? str(raw.call_id) ?? '';
        const name = str(raw.name) ?? namesByCallId.get(callId) ?? callId;
        const output = contentText(raw.output);
        toolResults.set(name, output);
        full.push(output);
      }
    }
  }

  const framed = readFraming(latestUser);
  const topic = framed.topic ?? dedent(latestUser);
  return {
    text: messages.join('\n\n'),
    fullText: full.join('\n\n'),
    latestUser,
    topic,
    subject: subjectOf(topic),
    previous: framed.previous ?? latestContent(assistant),
    calledTools,
    toolResults,
    toolArguments,
  };
}

/**
 * Split the sequential workflow's framing ("Previous agent 'x' output: … Original request: …
 * Now you (y) should …") into the previous output and the original request.
 */
function readFraming(text: string): { topic?: string; previous?: string } {
  const result: { topic?: string; previous?: string } = {};
  const originalAt = text.lastIndexOf('Original request:');
  if (originalAt !== -1) {
    let rest = text.slice(originalAt + 'Original request:'.length).replace(/^[ \t]*\n?/, '');
    const nowYou = rest.search(/\n\s*Now you \(/);
    rest = nowYou !== -1 ? rest.slice(0, nowYou) : rest.split(/\n\s*\n/)[0] ?? rest;
    const topic = dedent(rest);
    if (topic !== '') result.topic = topic;
  }
  const header = /Previous agent '[^']*' output:[ \t]*\n?/.exec(text);
  if (header) {
    const start = header.index + header[0].length;
    const end = originalAt > start ? originalAt : text.length;
    const previous = dedent(text.slice(start, end));
    if (previous !== '') result.previous = previous;
  }
  return result;
}

/**
 * Reduce a request to the noun phrase it is about, for titles and headings.
 *
 * @example
 * ```ts
 * subjectOf('Generate content about AI'); // 'AI'
 * subjectOf('Explain how database indexing works.'); // 'database indexing'
 * ```
 */
export function subjectOf(topic: string): string {
  const firstLine = topic.split('\n').map((l) => l.trim()).find((l) => l !== '') ?? '';
  let s = (firstLine.match(/^[^.?!]+[.?!]?/)?.[0] ?? firstLine).trim();
  s = s.replace(/^(?:(?:please|kindly|can you|could you|would you|i want you to|i need you to)[\s,]+)+/i, '');
  const about = ABOUT_RE.exec(s);
  const verb = about ? undefined : VERB_RE.exec(s);
  s = about?.[1] ?? verb?.[1] ?? s;
  s = questionSubject(s) ?? s;
  s = s.replace(/^(?:(?:an?\s+)?(?:article|essay|blog post|post|report|summary|piece|content|overview)\s+(?:about|on)\s+)/i, '');
  const colon = s.indexOf(':');
  if (colon > 0 && s.slice(0, colon).trim().includes(' ')) s = s.slice(0, colon);
  s = s.replace(/[\s.?!:;,]+$/, '').replace(/^["'“”]+|["'“”]+$/g, '').trim();
  // "Tips for …", "The impact of …" read mid-sentence, so lower a common first word
  s = s.replace(/^([A-Z][a-z]+)\b/, (word) => (COMMON_FIRST_WORDS.has(word.toLowerCase()) ? word.toLowerCase() : word));
  return clip(s, 80) || 'the topic';
}

/**
 * The noun phrase a question or "how X works" clause is about: "Why do volcanoes erupt?" →
 * "volcanoes", "What is quantum computing?" → "quantum computing", "how TCP works" → "TCP".
 */
function questionSubject(text: string): string | undefined {
  const s = text.replace(/[?.!\s]+$/, '');
  const patterns = [
    /^(?:what|who)\s+(?:is|are|was|were)\s+(.+)$/i,
    /^(?:why|how|when|where)\s+(?:do|does|did|can|could|should|would|will)\s+(.+?)\s+[a-z]+$/i,
    /^(?:why|how|when|where)\s+(?:is|are|was|were)\s+(.+?)(?:\s+[a-z]+ed)?$/i,
    /^how\s+(.+?)\s+(?:works?|happens?|operates?|functions?|runs?)$/i,
  ];
  for (const re of patterns) {
    const m = re.exec(s)?.[1]?.trim();
    if (m && m.length > 1) return m;
  }
  return undefined;
}

/**
 * The latest assistant message that is a piece of work rather than a note about it: critiques,
 * approvals and one-line routing messages are skipped (falling back to the latest message).
 */
function latestContent(messages: readonly string[]): string | undefined {
  const isNote = (m: string): boolean =>
    /^\s*Critique:/i.test(m) || (/excellent/i.test(m) && /no improvements needed/i.test(m)) || (!m.trim().includes('\n') && m.length < 240);
  return [...messages].reverse().find((m) => !isNote(m)) ?? messages.at(-1);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Text of message content / tool output in any of the SDK's shapes. */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map(contentText).filter((t) => t !== '').join('\n');
  if (content && typeof content === 'object') {
    const part = content as Record<string, unknown>;
    for (const key of ['text', 'refusal', 'transcript', 'output']) {
      const value = part[key];
      if (typeof value === 'string') return value;
    }
    if (part.type === 'image' || part.type === 'input_image') return '[image]';
    if (part.type === 'file' || part.type === 'input_file') return '[file]';
  }
  return '';
}
