/** Which built-in behaviour the offline model plays, and how it picks a handoff target. */
import { contentWords, findHits, vocabularyOf } from './vocabulary.js';

/** The built-in roles of the offline model; `assistant` is the generic fallback. */
export type OfflineRole =
  | 'research'
  | 'writer'
  | 'editor'
  | 'orchestrator'
  | 'strategy'
  | 'summarizer'
  | 'critic'
  | 'assistant';

/** A style hint carried by custom agent types such as `technical_writer` or `creative_editor`. */
export type RoleFlavor = 'technical' | 'creative' | undefined;

/** Name fragments that identify a role inside an agent type or agent name (checked in order). */
const NAME_RULES: readonly (readonly [RegExp, OfflineRole])[] = [
  [/orchestrat|triage|router|routing|coordinat|dispatch|manager|supervisor/, 'orchestrator'],
  [/strateg|classif|categori/, 'strategy'],
  [/summar|digest|condens/, 'summarizer'],
  [/critic|critique|review|judge/, 'critic'],
  [/edit|proofread/, 'editor'],
  [/writ|author|journalist|blogger|copy/, 'writer'],
  [/research|investigat|analyst|scout/, 'research'],
];

/**
 * Map an agent type or name to the nearest built-in role. Segments are read from the last one
 * backwards, so `research_writer` is a writer and `technical_editor` an editor.
 *
 * @example
 * ```ts
 * roleFromName('technical_writer');  // 'writer'
 * roleFromName('creative_research'); // 'research'
 * roleFromName('billing');           // undefined
 * ```
 */
export function roleFromName(name: string): OfflineRole | undefined {
  const segments = name.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean).reverse();
  for (const segment of segments) {
    for (const [pattern, role] of NAME_RULES) if (pattern.test(segment)) return role;
  }
  return undefined;
}

/**
 * The style hint in a custom agent type (`technical_writer` → `technical`).
 *
 * @example
 * ```ts
 * flavorFromName('creative_editor'); // 'creative'
 * ```
 */
export function flavorFromName(name: string | undefined): RoleFlavor {
  if (!name) return undefined;
  if (/technical|tech\b|engineer/i.test(name)) return 'technical';
  if (/creative|fiction|story/i.test(name)) return 'creative';
  return undefined;
}

/**
 * Infer the role from system instructions: the "You are a …" phrase first, else the earliest
 * role keyword in the text, else the generic assistant.
 *
 * @example
 * ```ts
 * roleFromInstructions('You are a skilled writer. Using the research…'); // 'writer'
 * ```
 */
export function roleFromInstructions(instructions: string | undefined): OfflineRole {
  if (!instructions) return 'assistant';
  const persona = /\byou are (?:an? |the )?([^.,;:\n]{1,60})/i.exec(instructions);
  const fromPersona = persona?.[1] ? roleFromName(persona[1]) : undefined;
  if (fromPersona) return fromPersona;
  const lower = instructions.toLowerCase();
  let best: { at: number; role: OfflineRole } | undefined;
  for (const [pattern, role] of NAME_RULES) {
    const at = lower.search(new RegExp(`\\b(?:${pattern.source})`));
    if (at !== -1 && (!best || at < best.at)) best = { at, role };
  }
  return best?.role ?? 'assistant';
}

/**
 * Resolve the role the model plays: the runtime's agent type when given (mapped by substring to
 * a built-in role, unknown types → `assistant`), else inferred from the instructions.
 *
 * @example
 * ```ts
 * resolveRole('technical_editor', undefined); // 'editor'
 * resolveRole(undefined, 'You are a demanding critic.'); // 'critic'
 * ```
 */
export function resolveRole(role: string | undefined, instructions: string | undefined): OfflineRole {
  if (role !== undefined && role.trim() !== '') return roleFromName(role) ?? 'assistant';
  return roleFromInstructions(instructions);
}

/** Words in a request that ask for a role's kind of work (matched at word starts). */
const INTENT_WORDS: Record<OfflineRole, readonly string[]> = {
  research: ['research', 'investigat', 'find', 'look into', 'look up', 'fact', 'source', 'background', 'study', 'explore', 'learn'],
  writer: ['write', 'writing', 'draft', 'article', 'blog', 'essay', 'post', 'story', 'compose', 'copy'],
  editor: ['edit', 'polish', 'proofread', 'revise', 'improve', 'rewrite', 'tighten'],
  summarizer: ['summar', 'condense', 'tl;dr', 'recap', 'overview', 'brief'],
  critic: ['review', 'critique', 'feedback', 'evaluat', 'assess'],
  strategy: ['classify', 'categor', 'strategy', 'plan', 'analy'],
  orchestrator: ['coordinat', 'orchestrat', 'route'],
  assistant: ['help', 'answer', 'question'],
};

/**
 * The handoff target that best matches a request. First by meaning: each target scores 2 per
 * word of its vocabulary (its name's words and the built-in list for them, e.g. `billing` →
 * invoice, refund, charged…) and 1 per content word of its tool description (which carries the
 * target agent's description and instructions) found in the request; the highest score wins.
 * When nothing matches: the target whose role's intent words appear earliest, else the first.
 *
 * @example
 * ```ts
 * pickTarget(['transfer_to_technical', 'transfer_to_billing'], 'my invoice was charged twice'); // 'transfer_to_billing'
 * pickTarget(['transfer_to_writer', 'transfer_to_research'], 'Research and write about X'); // 'transfer_to_research'
 * ```
 */
export function pickTarget(toolNames: readonly string[], topic: string, descriptions: ReadonlyMap<string, string> = new Map()): string | undefined {
  let bestMeaning: { score: number; at: number; name: string } | undefined;
  for (const name of toolNames) {
    const target = name.replace(/^transfer_to_/, '');
    const vocabulary = vocabularyOf(target.replace(/_?agent$/, ''));
    const matched = findHits(topic, vocabulary);
    const described = findHits(topic, contentWords(describedWork(descriptions.get(name) ?? '', target))).filter(
      (h) => !matched.some((m) => m.word === h.word || m.at === h.at),
    );
    const score = matched.length * 2 + described.length;
    if (score === 0) continue;
    const at = Math.min(...[...matched, ...described].map((h) => h.at));
    if (!bestMeaning || score > bestMeaning.score || (score === bestMeaning.score && at < bestMeaning.at)) bestMeaning = { score, at, name };
  }
  if (bestMeaning) return bestMeaning.name;
  const lower = topic.toLowerCase();
  let best: { at: number; name: string } | undefined;
  for (const name of toolNames) {
    const target = name.replace(/^transfer_to_/, '');
    const role = roleFromName(target);
    const words = [
      ...(role ? INTENT_WORDS[role] : []),
      ...target.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w.length > 2 && w !== 'agent'),
    ];
    for (const word of words) {
      const at = lower.search(new RegExp(`\\b${escapeRegExp(word)}`));
      if (at !== -1 && (!best || at < best.at)) best = { at, name };
    }
  }
  return best?.name ?? toolNames[0];
}

/** A transfer tool's description without the generic "Handoff to the X agent…" sentence. */
function describedWork(description: string, target: string): string {
  return description.replace(/^Handoff to the \S+ agent to handle the request\.?\s*/i, '').replace(new RegExp(`\\b${escapeRegExp(target)}\\b`, 'gi'), '');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
