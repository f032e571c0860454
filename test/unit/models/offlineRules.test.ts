import type { ModelRequest, SerializedTool } from '@openai/agents';
import { describe, expect, it } from 'vitest';
import { classify, OfflineModel } from '../../../src/models/offline/index.js';
import { labelsFromInstructions } from '../../../src/models/offline/classify.js';
import { isPlural, readRequest } from '../../../src/models/offline/request.js';
import { pickTarget } from '../../../src/models/offline/roles.js';
import { applyStyle, styleFrom } from '../../../src/models/offline/style.js';
import { branchesBlock } from '../../../src/machines/branching.js';

function request(input: string, extra: Partial<ModelRequest> = {}): ModelRequest {
  return { input, tools: [], handoffs: [], outputType: 'text', modelSettings: {}, tracing: false, ...extra };
}

async function say(role: string, input: string, systemInstructions?: string, tools: SerializedTool[] = []): Promise<string> {
  const { output } = await new OfflineModel({ role, env: {} }).getResponse(request(input, { tools, ...(systemInstructions ? { systemInstructions } : {}) }));
  const first = output[0];
  return first?.type === 'message' && first.role === 'assistant' ? first.content.map((c) => (c.type === 'output_text' ? c.text : '')).join('') : '';
}

const sentenceCount = (text: string) => (text.replace(/^#.*$/gm, '').match(/[^.!?]+[.!?]+/g) ?? []).length;

describe('style rules read from instructions', () => {
  it.each([
    ['Edit tersely: at most five sentences.', { maxSentences: 5, pieceOnly: true }],
    ['Be terse.', { maxSentences: 4, pieceOnly: true }],
    ['Answer briefly, in bullet points.', { maxSentences: 6, bullets: true }],
    ['Write formally, with headings and a title.', { formal: true, sections: true, title: 'add' }],
    ['Explain it for children, no more than 40 words.', { maxWords: 40, children: true }],
    ['Write an imaginative, story-driven piece.', { flavor: 'creative' }],
    ['You are a senior editor. Improve the draft for clarity, flow, accuracy and tone.', {}],
  ] as const)('%s', (instructions, expected) => {
    expect(styleFrom(instructions)).toMatchObject(expected);
    if (Object.keys(expected).length === 0) expect(styleFrom(instructions)).toEqual({});
  });

  it('changes the writer and editor output visibly, and deterministically', async () => {
    const plain = await say('writer', 'Generate content about AI');
    const terse = await say('writer', 'Generate content about AI', 'Write tersely: at most three sentences.');
    const bullets = await say('writer', 'Generate content about AI', 'Write in bullet points.');
    const formal = await say('writer', "Generate content about AI. It's great!", 'Write in a formal tone.');
    expect(sentenceCount(terse)).toBeLessThanOrEqual(3);
    expect(terse.length).toBeLessThan(plain.length * 0.6);
    expect(bullets.split('\n').filter((l) => l.startsWith('- ')).length).toBeGreaterThanOrEqual(3);
    expect(formal).not.toMatch(/[!]|\b\w+'(?:s|t|re)\b/);
    expect(await say('writer', 'Generate content about AI', 'Write tersely: at most three sentences.')).toBe(terse);
  });

  it('keeps the revision header a review loop counts', () => {
    const text = 'Revised draft (revision 2):\n\n# T\n\nOne sentence here for sure. Two sentences here for sure. Three sentences here for sure.';
    expect(applyStyle(text, { maxSentences: 1, pieceOnly: true }, 'T')).toBe('Revised draft (revision 2):\n\n# T\n\nOne sentence here for sure.');
  });
});

describe('request kinds', () => {
  it.each([
    ['Compare the prices of the Kindle and the Kobo Clara', 'comparison'],
    ['Rust vs Go for command-line tools', 'comparison'],
    ['my invoice was charged twice, please refund one', 'ticket'],
    ['The app crashes when I open settings on Android', 'ticket'],
    ['Why do volcanoes erupt?', 'question'],
    ['Explain how TCP congestion control works', 'command'],
    ['Generate content about AI', 'topic'],
  ] as const)('%s is a %s', (text, kind) => {
    expect(readRequest(text).kind).toBe(kind);
  });

  it('names the items and the aspect of a comparison', () => {
    expect(readRequest('Compare the prices of the Kindle and the Kobo Clara')).toMatchObject({ items: ['the Kindle', 'the Kobo Clara'], aspect: 'prices' });
  });

  it('tells plural subjects from singular ones', () => {
    expect(['volcanoes', 'the prices of the Kindle', 'cats and dogs'].map(isPlural)).toEqual([true, true, true]);
    expect(['AI', 'quantum computing', 'glass', 'physics'].map(isPlural)).toEqual([false, false, false, false]);
  });

  it('writes verbs that agree with a plural subject', async () => {
    const text = [await say('research', 'volcanoes'), await say('writer', 'volcanoes'), await say('assistant', 'volcanoes')].join('\n');
    expect(text).not.toMatch(/(?:^|suggest |how |\. |- )volcanoes (?:is|has|was|rewards|keeps|invites)\b/im);
    expect(text).toMatch(/volcanoes are\b/);
  });

  it('answers a comparison by comparing, with research on each item', async () => {
    const research = await say('research', 'Compare the prices of the Kindle and the Kobo Clara');
    expect(research).toMatch(/^- For the Kindle, /m);
    expect(research).toMatch(/^- For the Kobo Clara, /m);
    const article = await say('writer', 'Compare the prices of the Kindle and the Kobo Clara');
    expect(article.split('\n')[0]).toBe('# The Kindle vs the Kobo Clara: Prices Compared');
    expect(article).toContain('| | the Kindle | the Kobo Clara |');
  });
});

describe('classification by meaning', () => {
  it('reads labels from a Branches block built by a branching workflow, with descriptions and keywords', () => {
    const block = branchesBlock(['deep_dive', 'brief'], { deep_dive: { description: 'Long technical analysis.', keywords: ['benchmark'] } });
    const { labels, info } = labelsFromInstructions(`Pick a branch.${block}`);
    expect(labels).toEqual(['deep_dive', 'brief']);
    expect(info.deep_dive).toEqual({ description: 'Long technical analysis.', keywords: ['benchmark'] });
    expect(classify('Run a benchmark of two databases', labels, info)).toMatchObject({ label: 'deep_dive', matched: ['benchmark'] });
    expect(classify('Hello there', labels, info).label).toBe('brief');
  });

  it('reads labels from a list in the instructions and explains the choice without naming the others', async () => {
    const text = await say('strategy', 'my invoice was charged twice', 'Classify the ticket as technical, billing or other.');
    expect(text.split('\n')[0]).toBe('Classification: billing');
    expect(text).toMatch(/"invoice", "charged"/);
    expect(text).not.toMatch(/technical|other\b/);
  });
});

describe('handoffs by meaning', () => {
  const tool = (name: string, description: string): SerializedTool => ({
    type: 'function', name, description, parameters: { type: 'object', properties: {}, required: [], additionalProperties: false }, strict: true,
  });

  it('matches the request against target names, descriptions and instructions', async () => {
    const tools = [
      tool('transfer_to_desk_a', 'Handoff to the desk_a agent to handle the request. Handles invoices, payments and refunds.'),
      tool('transfer_to_desk_b', 'Handoff to the desk_b agent to handle the request. Fixes crashes and errors in the mobile app.'),
    ];
    const route = async (input: string) => {
      const { output } = await new OfflineModel({ role: 'orchestrator', env: {} }).getResponse(request(input, { tools }));
      return output.find((o) => o.type === 'function_call')?.name;
    };
    expect(await route('The app crashes on start')).toBe('transfer_to_desk_b');
    expect(await route('Please refund my last payment')).toBe('transfer_to_desk_a');
    expect(pickTarget(['transfer_to_technical', 'transfer_to_billing'], 'my invoice was charged twice')).toBe('transfer_to_billing');
    expect(pickTarget(['transfer_to_billing', 'transfer_to_technical'], 'The app crashes when I open settings on Android')).toBe('transfer_to_technical');
  });
});
