import { paragraphs, sentences } from '../text.js';
import type { ComposeContext } from './context.js';
import { toolSentence } from './context.js';

/** Wordy phrases the editor tightens (pattern, replacement, label for the notes). */
const EDITS: readonly (readonly [RegExp, string, string])[] = [
  [/\bin order to\b/gi, 'to', "'in order to' → 'to'"],
  [/\ba lot more\b/gi, 'much more', "'a lot more' → 'much more'"],
  [/\ba lot of (the|this|that)\b/gi, 'much of $1', "'a lot of the' → 'much of the'"],
  [/\ba lot of room\b/gi, 'ample room', "'a lot of room' → 'ample room'"],
  [/\ba lot of\b/gi, 'many', "'a lot of' → 'many'"],
  [/\butili[sz]e\b/gi, 'use', "'utilise' → 'use'"],
  [/\bvery\s+/gi, '', "dropped 'very'"],
  [/\bdue to the fact that\b/gi, 'because', "'due to the fact that' → 'because'"],
  [/\bat this point in time\b/gi, 'now', "'at this point in time' → 'now'"],
  [/[ \t]{2,}/g, ' ', 'collapsed repeated spaces'],
];

const EXTRA_NOTES = [
  'Smoothed the transitions between sections so the argument reads as one line of thought.',
  'Standardised punctuation and spacing throughout.',
  'Kept sentences short where the draft packed in several ideas at once.',
  'Checked that every claim in the body is supported by the research it draws on.',
] as const;

/**
 * The editor role's answer: a polished version of the previous output (title ensured, wordy
 * phrases tightened, working notes removed) followed by an "Editor's notes" section. Several
 * `<NAME> VERSION:` sections in the input are merged into one piece.
 *
 * @example
 * ```ts
 * composeEditor(ctx).includes("Editor's notes:"); // true
 * ```
 */
export function composeEditor(ctx: ComposeContext): string {
  const source = ctx.conversation.previous ?? ctx.conversation.topic;
  const versions = splitVersions(ctx.conversation.latestUser);
  const notes: string[] = [];
  let blocks: string[];
  if (versions.length >= 2) {
    blocks = mergeVersions(ctx, versions);
    notes.push(`Combined the ${versions.map((v) => v.name.toLowerCase()).join(', ')} versions into one piece, keeping the strongest passage of each.`);
  } else {
    blocks = paragraphs(source);
  }

  const revisionHeader = blocks[0] !== undefined ? /^Revised draft (\(revision \d+\)):?$/.exec(blocks[0]) : null;
  if (revisionHeader) {
    blocks.shift();
    notes.push(`Edited from the revised draft ${revisionHeader[1]}; removed the working header.`);
  }
  const before = blocks.length;
  blocks = blocks.filter((b) => !/^(?:What changed in this revision:|Editor's notes:|Sources and notes:)/.test(b));
  if (blocks.length < before) notes.push('Removed working notes that were meant for reviewers, not readers.');

  if (blocks[0] === undefined || !blocks[0].startsWith('#')) {
    const first = blocks[0];
    if (first !== undefined && first.length <= 80 && !/[.!?]$/.test(first)) blocks[0] = `# ${first.replace(/:$/, '')}`;
    else blocks.unshift(`# ${ctx.title}`);
    notes.push(`Added a clear title for the piece on ${ctx.subject}.`);
  }

  const applied: string[] = [];
  blocks = blocks.map((block) =>
    EDITS.reduce((text, [pattern, replacement, label]) => {
      const next = text.replace(pattern, replacement);
      if (next !== text && !applied.includes(label)) applied.push(label);
      return next;
    }, block),
  );
  notes.push(
    applied.length > 0
      ? `Tightened the wording (${applied.slice(0, 3).join('; ')}).`
      : 'The wording was already tight, so sentence-level changes were kept to a minimum.',
  );
  notes.push(`Kept the structure of ${blocks.length - 1} sections, with the opening and closing framing the body.`);
  if (ctx.flavor === 'technical') notes.push('Checked terminology for consistency and precision.');
  if (ctx.flavor === 'creative') notes.push('Sharpened the imagery and rhythm of the opening and closing lines.');
  notes.push(ctx.rng.pick('note', EXTRA_NOTES));
  const tool = toolSentence(ctx);
  if (tool) notes.push(`Verified a detail with a tool: ${tool}`);

  const seen = new Set<string>();
  blocks = blocks.filter((b) => {
    const key = b.replace(/\s+/g, ' ').trim().toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return [...blocks, "Editor's notes:\n" + notes.map((n) => `- ${n}`).join('\n')].join('\n\n');
}

interface Version {
  readonly name: string;
  readonly body: string;
}

/** `TECHNICAL VERSION:` style sections of an aggregation input. */
function splitVersions(text: string): Version[] {
  const re = /^[ \t]*([A-Z][A-Z0-9 _-]{0,30}) VERSION:[ \t]*$/gm;
  const marks = [...text.matchAll(re)];
  return marks.map((m, i) => {
    const start = (m.index ?? 0) + m[0].length;
    const end = marks[i + 1]?.index ?? text.length;
    return { name: (m[1] ?? 'DRAFT').trim(), body: text.slice(start, end).trim() };
  });
}

function mergeVersions(ctx: ComposeContext, versions: readonly Version[]): string[] {
  const names = versions.map((v) => v.name.toLowerCase());
  const title = versions
    .map((v) => paragraphs(v.body).find((p) => p.startsWith('# ')))
    .find((t) => t !== undefined) ?? `# ${ctx.title}`;
  const blocks = [title, `This piece brings together ${names.length} takes on ${ctx.subject} (${names.join(', ')}), so each perspective adds something the others lack.`];
  const used = new Set<string>();
  for (const version of versions) {
    const body = paragraphs(version.body).filter(
      (p) => !p.startsWith('#') && !p.startsWith('|') && !/^(?:Revised draft \(|Editor's notes:|What changed|Error\b|Sources and notes:)/.test(p),
    );
    // The first passage of this version that still says something new (sentences already
    // taken from another version are left out, so no sentence or paragraph appears twice).
    const ordered = body.length > 1 ? [body[1]!, body[0]!, ...body.slice(2)] : body;
    const fresh = ordered.map((p) => sentences(p).filter((s) => !used.has(s.toLowerCase())));
    const pick = fresh.find((f) => f.length >= 2) ?? fresh.find((f) => f.length >= 1);
    if (pick) {
      pick.forEach((s) => used.add(s.toLowerCase()));
      blocks.push(pick.join(' '));
    }
  }
  blocks.push(`Read together, these perspectives give a fuller account of ${ctx.subject} than any one of them alone.`);
  return blocks;
}
