import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../../src/events/envelope.js';
import { aigen, json, REPO, sandbox, storedEvents, type Sandbox } from './helpers.js';

/** What the offline model does with instructions and requests, seen through the CLI. */

let sb: Sandbox;
beforeAll(() => {
  sb = sandbox();
});
afterAll(() => sb.cleanup());

interface RunOut {
  runId: string;
  status: string;
  result: string;
}

const runs = new Map<string, Promise<RunOut>>();

/** `aigen run workflow input --json`; a run already made in this file is reused (the model is deterministic). */
function run(workflow: string, input: string): Promise<RunOut> {
  const key = `${workflow}\u0000${input}`;
  let out = runs.get(key);
  if (!out) {
    out = aigen(['run', workflow, input, '--json'], { sb }).then((r) => {
      expect(r.code, r.stderr).toBe(0);
      return json<RunOut>(r);
    });
    runs.set(key, out);
  }
  return out;
}

const events = (runId: string) => storedEvents(sb, runId);

const ofType = (list: RecordedEvent[], type: string) => list.filter((e) => e.type === type).map((e) => e.data as Record<string, unknown>);
const example = (name: string) => join(REPO, 'examples', 'workflows', name);
const paragraphsOf = (text: string) => text.split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean);
const sentenceCount = (text: string) => (text.replace(/^#.*$/gm, '').match(/[^.!?]+[.!?]+/g) ?? []).length;

describe('the offline model follows its instructions', () => {
  it('a fork with terse editor instructions writes at most five sentences, at most 60% of the source', async () => {
    const source = await run('content_generation', 'Generate content about AI');
    const writerDone = (await events(source.runId)).find((e) => e.type === 'StepCompleted' && (e.data as { agentId: string }).agentId === 'writer')!;
    const fork = async () => {
      const r = await aigen(['fork', source.runId, '--at', String(writerDone.streamPosition), '--set', 'editor.instructions=Edit tersely: at most five sentences.', '--json'], { sb });
      expect(r.code, r.stderr).toBe(0);
      return json<RunOut>(r);
    };
    const terse = await fork();
    expect(terse.status).toBe('completed');
    expect(terse.result.length).toBeLessThanOrEqual(source.result.length * 0.6);
    expect(sentenceCount(terse.result)).toBeLessThanOrEqual(5);
    expect(terse.result).not.toContain("Editor's notes");
    expect(terse.result).toContain('AI');
    // still deterministic: the same fork again gives the same text
    expect((await fork()).result).toBe(terse.result);
  }, 120_000);
});

describe('the offline model classifies by meaning', () => {
  it.each([
    ['content_router', 'Explain how TCP congestion control works', 'technical'],
    ['content_router', 'Write a bedtime story about a sleepy fox', 'creative'],
    [example('branching.yaml'), 'Explain how TCP congestion control works', 'technical'],
    [example('branching.yaml'), 'Write a bedtime story about a sleepy fox', 'creative'],
  ])('%s sends "%s" to %s, and the classifier says why', async (workflow, input, branch) => {
    const out = await run(workflow, input);
    const all = await events(out.runId);
    expect(ofType(all, 'BranchTaken').map((b) => b.branch)).toEqual([branch]);
    const classification = ofType(all, 'StepCompleted')[0]!.output as string;
    expect(classification.split('\n')[0]).toBe(`Classification: ${branch}`);
    expect(classification).toMatch(/Reason: the request mentions "/);
  }, 60_000);
});

describe('the offline model hands off by matching the targets', () => {
  it.each([
    ['The app crashes when I open settings on Android', 'technical', /update the app/i],
    ['my invoice was charged twice, please refund one', 'billing', /refund/i],
  ])('support.yaml hands "%s" to %s, which replies', async (input, target, reply) => {
    const out = await run(example('support.yaml'), input);
    const handoffs = ofType(await events(out.runId), 'HandoffRequested');
    expect(handoffs.map((h) => [h.from, h.to])).toEqual([['triage', target]]);
    expect(out.result.startsWith('Hello,')).toBe(true);
    expect(out.result).toMatch(reply);
  }, 60_000);
});

describe('the offline model answers requests as such', () => {
  it('a comparison compares the two things named', async () => {
    const out = await run('content_generation', 'Compare the prices of the Kindle and the Kobo Clara');
    expect(out.result).toContain('Kindle');
    expect(out.result).toContain('Kobo Clara');
    for (const step of ofType(await events(out.runId), 'StepCompleted')) {
      expect(String(step.output)).not.toMatch(/Interest in Compare/i);
      expect(String(step.output)).toMatch(/Kindle[\s\S]*Kobo Clara/);
    }
  }, 60_000);

  it('a question gets an answer, with verbs that agree with a plural subject', async () => {
    const out = await run('writer', 'Why do volcanoes erupt?');
    expect(paragraphsOf(out.result)[1]).toMatch(/^Short answer:/);
    expect(out.result).not.toMatch(/volcanoes is\b|volcanoes has\b/);
  }, 60_000);
});

describe('parallel branches with different instructions', () => {
  it('write different texts, and the aggregate repeats no paragraph', async () => {
    const out = await run(example('parallel.yaml'), 'Write about renewable energy');
    const children = ofType(await events(out.runId), 'ChildRunFinished').map((c) => String(c.output));
    expect(children).toHaveLength(3);
    expect(new Set(children).size).toBe(3);
    for (const [i, a] of children.entries()) {
      for (const b of children.slice(i + 1)) {
        const shared = paragraphsOf(a).filter((p) => paragraphsOf(b).includes(p));
        expect(shared).toEqual([]);
      }
    }
    const paragraphs = paragraphsOf(out.result);
    expect(new Set(paragraphs).size).toBe(paragraphs.length);
  }, 90_000);
});

describe('docs/offline-model.md', () => {
  const doc = readFileSync(join(REPO, 'docs', 'offline-model.md'), 'utf8');
  const examples = [...doc.matchAll(/^npx aigen run (\S+) "([^"]+)"\s+# → (branch|handoff|says) (.+)$/gm)].map((m) => ({
    workflow: m[1]!.startsWith('examples/') ? join(REPO, m[1]!) : m[1]!,
    input: m[2]!,
    check: m[3]! as 'branch' | 'handoff' | 'says',
    expected: m[4]!.trim(),
  }));

  it('has examples', () => {
    expect(examples.length).toBeGreaterThanOrEqual(6);
  });

  it.each(examples)('$workflow "$input" → $check $expected', async ({ workflow, input, check, expected }) => {
    const out = await run(workflow, input);
    const all = await events(out.runId);
    if (check === 'branch') expect(ofType(all, 'BranchTaken').map((b) => b.branch)).toEqual([expected]);
    if (check === 'handoff') expect(ofType(all, 'HandoffRequested').map((h) => h.to)).toContain(expected);
    if (check === 'says') for (const phrase of expected.split(', ')) expect(out.result).toContain(phrase);
  }, 60_000);
});
