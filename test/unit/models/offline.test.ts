import { Agent, run, setTracingDisabled, tool, Usage } from '@openai/agents';
import type {
  AgentInputItem, AgentOutputItem, ModelRequest, ModelResponse, SerializedTool, StreamEvent,
} from '@openai/agents';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ValidationError } from '../../../src/errors.js';
import {
  OfflineModel, OfflineModelError, failuresFromEnv, isOfflineModelName, offlineModelProvider,
} from '../../../src/models/offline/index.js';

setTracingDisabled(true);

const TOPIC = 'Research and write about quantum computing';

type SerializedFunctionTool = Extract<SerializedTool, { type: 'function' }>;

function request(input: ModelRequest['input'], extra: Partial<ModelRequest> = {}): ModelRequest {
  return { input, tools: [], handoffs: [], outputType: 'text', modelSettings: {}, tracing: false, ...extra };
}

function fnTool(name: string, parameters: SerializedFunctionTool['parameters'] = emptySchema()): SerializedFunctionTool {
  return { type: 'function', name, description: `tool ${name}`, parameters, strict: true };
}

function emptySchema(): SerializedFunctionTool['parameters'] {
  return { type: 'object', properties: {}, required: [], additionalProperties: false };
}

function textOf(output: readonly AgentOutputItem[]): string {
  return output
    .map((item) => (item.type === 'message' && item.role === 'assistant' ? item.content.map((c) => (c.type === 'output_text' ? c.text : '')).join('') : ''))
    .join('');
}

function framed(previous: string, from: string, next: string, original = TOPIC): string {
  return `Previous agent '${from}' output:\n${previous}\n\nOriginal request: ${original}\n\nNow you (${next}) should continue processing based on this.`;
}

async function say(role: string | undefined, input: ModelRequest['input'], extra: Partial<ModelRequest> = {}, options = {}): Promise<string> {
  const response = await new OfflineModel({ ...(role ? { role } : {}), env: {}, ...options }).getResponse(request(input, extra));
  return textOf(response.output);
}

/** The seed's branch extractor (`_extract_content_type`), ported. */
function extractContentType(analysis: string): string {
  const text = analysis.toLowerCase();
  if (text.includes('technical')) return 'technical';
  if (text.includes('creative')) return 'creative';
  return 'general';
}

describe('OfflineModel determinism', () => {
  it('returns deep-equal responses for the same request, across calls and instances', async () => {
    const req = request(framed('Research findings on X:\n- Costs fell sharply last year.\n- Adoption grew in small teams.', 'research', 'writer'));
    const model = new OfflineModel({ role: 'writer', env: {} });
    const first = await model.getResponse(req);
    expect(await model.getResponse(req)).toEqual(first);
    expect(await new OfflineModel({ role: 'writer', env: {} }).getResponse(req)).toEqual(first);
  });

  it('varies phrasing with the seed but stays deterministic per seed', async () => {
    const texts = await Promise.all([1, 2, 3, 4, 5].map((seed) => say('research', 'coffee roasting', {}, { seed })));
    expect(new Set(texts).size).toBeGreaterThan(1);
    expect(await say('research', 'coffee roasting', {}, { seed: 3 })).toBe(texts[2]);
  });

  it('reports usage as an SDK Usage with ceil(chars/4) tokens and one request', async () => {
    const response = await new OfflineModel({ role: 'research', env: {} }).getResponse(request('abcdefghi', { systemInstructions: 'abc' }));
    expect(response.usage).toBeInstanceOf(Usage);
    expect(response.usage.requests).toBe(1);
    expect(response.usage.inputTokens).toBe(3); // 12 chars
    expect(response.usage.outputTokens).toBe(Math.ceil(textOf(response.output).length / 4));
    expect(response.usage.totalTokens).toBe(response.usage.inputTokens + response.usage.outputTokens);
    expect(response.responseId).toMatch(/^resp_offline_[0-9a-f]{16}$/);
  });
});

describe('OfflineModel roles', () => {
  it('research writes findings with 4-6 bullets and source notes', async () => {
    const text = await say('research', TOPIC);
    expect(text.startsWith('Research findings on quantum computing:')).toBe(true);
    const findings = text.split('Sources and notes:')[0]!.split('\n').filter((l) => l.startsWith('- '));
    expect(findings.length).toBeGreaterThanOrEqual(4);
    expect(findings.length).toBeLessThanOrEqual(6);
    expect(text).toContain('Sources and notes:');
  });

  it('writer writes a titled article of 3+ paragraphs from the previous output', async () => {
    const research = await say('research', TOPIC);
    const article = await say('writer', framed(research, 'research', 'writer'));
    const [title, ...body] = article.split('\n\n');
    expect(title).toMatch(/^# .*Quantum Computing/);
    expect(body.length).toBeGreaterThanOrEqual(3);
    const firstFinding = research.split('\n').find((l) => l.startsWith('- '))!.slice(2);
    expect(article).toContain(firstFinding);
    expect(article).not.toContain('(revision ');
  });

  it('writer revises after a critique, numbering revisions by the markers already present', async () => {
    const critique = 'Critique: needs work.\n1. Add a concrete example.\n2. Cite a source.';
    const first = await say('writer', framed(critique, 'critic', 'writer'));
    expect(first.split('\n')[0]).toBe('Revised draft (revision 1):');
    expect(first).toContain('Addressed: Add a concrete example.');
    const second = await say('writer', `Revised draft (revision 1):\n\n# Old\n\nText.\n\n${critique}`);
    expect(second.split('\n')[0]).toBe('Revised draft (revision 2):');
  });

  it('editor returns a polished version followed by editor notes', async () => {
    const draft = '# Tea\n\nTea is a lot more popular than people think, and it is very old.\n\nPeople drink it in order to relax.';
    const text = await say('editor', framed(draft, 'writer', 'editor'));
    expect(text.startsWith('# Tea')).toBe(true);
    expect(text).toContain("Editor's notes:");
    expect(text).toContain('much more popular');
    expect(text).toContain('drink it to relax');
  });

  it('editor merges VERSION sections of an aggregation input into one piece', async () => {
    const input = 'Original request: coffee\n\nTECHNICAL VERSION:\n# Coffee Tech\n\nIntro.\n\nExtraction depends on grind size.\n\nCREATIVE VERSION:\n# Coffee Dreams\n\nIntro.\n\nThe cup steamed like a small volcano.';
    const text = await say('editor', input);
    expect(text).toContain('Extraction depends on grind size.');
    expect(text).toContain('The cup steamed like a small volcano.');
    expect(text).toMatch(/Combined the technical, creative versions/);
  });

  it('summarizer writes a short summary with key points', async () => {
    const research = await say('research', TOPIC);
    const text = await say('summarizer', framed(research, 'research', 'summarizer'));
    expect(text.startsWith('Summary of quantum computing:')).toBe(true);
    expect(text).toContain('Key points:');
    expect(text.length).toBeLessThan(research.length + 200);
  });

  it('maps custom agent types to the nearest built-in role and unknown ones to an assistant', async () => {
    expect(await say('creative_research', 'dragons')).toMatch(/^Research findings on dragons:/);
    expect(await say('technical_writer', 'compilers')).toMatch(/^# /);
    expect(await say('technical_editor', framed('# A\n\nSome text here.', 'w', 'e'))).toContain("Editor's notes:");
    expect(await say('creative_editor', framed('# A\n\nSome text here.', 'w', 'e'))).toContain("Editor's notes:");
    expect(await say('bookkeeper', 'Generate content about AI')).toMatch(/^Here is a short answer on AI\./);
  });

  it('reads topic and previous output from indented framing and from array input with content parts', async () => {
    const indented = `
                Previous agent 'research' output:
                - Tea was first drunk as a medicine in ancient China.
                - Trade routes spread tea across Asia and Europe.

                Original request: Write about the history of tea

                Now you (writer) should continue processing based on this.
                `;
    const article = await say('writer', indented);
    expect(article).toContain('Tea was first drunk as a medicine in ancient China.');
    expect(article).toMatch(/^# .*History of Tea/);
    const items: AgentInputItem[] = [{ role: 'user', content: [{ type: 'input_text', text: 'Research coral reefs' }] }];
    expect(await say('research', items)).toMatch(/^Research findings on coral reefs:/);
  });

  it('infers the role from the system instructions when none is given', async () => {
    const text = await say(undefined, TOPIC, { systemInstructions: 'You are a meticulous research analyst. Do not write the final article.' });
    expect(text).toMatch(/^Research findings on/);
    const critic = await say(undefined, 'A draft.', { systemInstructions: 'You are a demanding critic. Review the draft.' });
    expect(critic).toMatch(/^Critique:/);
  });
});

describe('OfflineModel strategy classification', () => {
  const cases = [
    ['Explain how database indexing works', 'technical'],
    ['Write a short story about a lighthouse keeper', 'creative'],
    ['Tips for planning a family holiday', 'general'],
  ] as const;
  for (const [topic, expected] of cases) {
    it(`classifies "${topic}" as ${expected} without naming the other classes`, async () => {
      const text = await say('strategy', topic);
      const [first, reason] = text.split('\n');
      expect(first).toBe(`Classification: ${expected}`);
      expect(reason).toMatch(/^Reason: /);
      for (const other of ['technical', 'creative', 'general'].filter((c) => c !== expected)) {
        expect(text.toLowerCase()).not.toContain(other);
      }
      expect(extractContentType(text)).toBe(expected);
    });
  }

  it('classifies the original request, not the framing around it', async () => {
    const text = await say('strategy', framed('Some general remarks about many things.', 'x', 'strategy', 'Write a poem about autumn'));
    expect(text.split('\n')[0]).toBe('Classification: creative');
  });
});

describe('OfflineModel critic', () => {
  const draft = '# Quantum Computing\n\nA first draft about quantum computing.';
  const isApproval = (t: string): boolean => /excellent/i.test(t) && /no improvements needed/i.test(t);
  const mentionsEither = (t: string): boolean => /excellent/i.test(t) || /no improvements needed/i.test(t);

  it('critiques a first draft with 2-3 suggestions and no approval phrase', async () => {
    const text = await say('critic', framed(draft, 'writer', 'critic'));
    expect(text).toMatch(/^Critique:/);
    expect(mentionsEither(text)).toBe(false);
    const suggestions = text.split('\n').filter((l) => /^\d+\. /.test(l));
    expect(suggestions.length).toBeGreaterThanOrEqual(2);
    expect(suggestions.length).toBeLessThanOrEqual(3);
  });

  it('never approves by accident when the topic itself says "excellent"', async () => {
    const text = await say('critic', framed('# Excellent coffee\n\nDraft.', 'writer', 'critic', 'excellent coffee, no improvements needed'));
    expect(mentionsEither(text)).toBe(false);
  });

  it('approves once the input holds approveAfterRevisions revision markers (default 1)', async () => {
    const revised = `Revised draft (revision 1):\n\n${draft}`;
    expect(isApproval(await say('critic', framed(revised, 'writer', 'critic')))).toBe(true);
    expect(isApproval(await say('critic', framed(revised, 'writer', 'critic'), {}, { approveAfterRevisions: 2 }))).toBe(false);
    const twice = `Revised draft (revision 2):\n\n${draft}\n\n(earlier: Revised draft (revision 1):)`;
    expect(isApproval(await say('critic', framed(twice, 'writer', 'critic'), {}, { approveAfterRevisions: 2 }))).toBe(true);
  });

  it('reads the approval threshold from AIGEN_OFFLINE_APPROVE_AFTER', async () => {
    const env = { AIGEN_OFFLINE_APPROVE_AFTER: '3' };
    const model = new OfflineModel({ role: 'critic', env });
    expect(model.approveAfterRevisions).toBe(3);
    const twice = framed(`Revised draft (revision 2):\n\n${draft}\n\nRevised draft (revision 1):`, 'writer', 'critic');
    expect(isApproval(await say('critic', twice, {}, { env }))).toBe(false);
    expect(() => new OfflineModel({ env: { AIGEN_OFFLINE_APPROVE_AFTER: 'soon' } })).toThrow(ValidationError);
  });

  for (const approveAfterRevisions of [1, 2, 3]) {
    it(`drives a writer/critic loop to approval after ${approveAfterRevisions} revision(s) when each sees only the other's output`, async () => {
      let draftText = await say('writer', framed(await say('research', TOPIC), 'research', 'writer'));
      let verdict = '';
      let rounds = 0;
      for (; rounds < 6; rounds++) {
        verdict = await say('critic', framed(draftText, 'writer', 'critic'), {}, { approveAfterRevisions });
        if (isApproval(verdict)) break;
        expect(mentionsEither(verdict)).toBe(false);
        draftText = await say('writer', framed(verdict, 'critic', 'writer'));
      }
      expect(isApproval(verdict)).toBe(true);
      expect(rounds).toBe(approveAfterRevisions);
      expect(draftText.split('\n')[0]).toBe(`Revised draft (revision ${approveAfterRevisions}):`);
    });
  }

  it('numbers revisions by counting markers when the whole history is passed along', async () => {
    const history: string[] = [await say('writer', TOPIC)];
    for (let k = 1; k <= 3; k++) {
      const verdict = await say('critic', history.join('\n\n'), {}, { approveAfterRevisions: 3 });
      expect(isApproval(verdict)).toBe(false);
      history.push(verdict);
      const revised = await say('writer', history.join('\n\n'));
      expect(revised.split('\n')[0]).toBe(`Revised draft (revision ${k}):`);
      history.push(revised);
    }
    expect(isApproval(await say('critic', history.join('\n\n'), {}, { approveAfterRevisions: 3 }))).toBe(true);
  });
});

describe('OfflineModel handoffs', () => {
  const transfers = [fnTool('transfer_to_writer'), fnTool('transfer_to_research_agent')];

  it('orchestrator routes to the transfer tool matching the request, with one routing sentence', async () => {
    const { output } = await new OfflineModel({ role: 'orchestrator', env: {} }).getResponse(request(TOPIC, { tools: transfers }));
    expect(output).toHaveLength(2);
    const [msg, call] = output;
    expect(msg).toMatchObject({ type: 'message', role: 'assistant', status: 'completed' });
    expect(textOf([msg!]).split(/[.!?](\s|$)/).filter((s) => s.trim().length > 1)).toHaveLength(1);
    expect(call).toMatchObject({ type: 'function_call', name: 'transfer_to_research_agent', arguments: '{}', status: 'completed' });
    expect((call as { callId: string }).callId).toMatch(/^call_[0-9a-f]{16}$/);
  });

  it('orchestrator picks by intent word, else the first target; SDK handoffs work like transfer tools', async () => {
    const handoffs = [
      { toolName: 'transfer_to_editor', toolDescription: '', inputJsonSchema: emptySchema(), strictJsonSchema: true },
      { toolName: 'transfer_to_writer', toolDescription: '', inputJsonSchema: emptySchema(), strictJsonSchema: true },
    ];
    const model = new OfflineModel({ role: 'orchestrator', env: {} });
    const blog = await model.getResponse(request('Draft a blog post on tea', { handoffs }));
    expect(blog.output[1]).toMatchObject({ type: 'function_call', name: 'transfer_to_writer' });
    const none = await model.getResponse(request('Hello there', { handoffs }));
    expect(none.output[1]).toMatchObject({ type: 'function_call', name: 'transfer_to_editor' });
  });

  it('a writer with a transfer tool writes its article and calls the transfer in the same response', async () => {
    const { output } = await new OfflineModel({ role: 'writer', env: {} }).getResponse(request(TOPIC, { tools: [fnTool('transfer_to_editor')] }));
    expect(output.map((o) => o.type)).toEqual(['message', 'function_call']);
    expect(textOf(output)).toMatch(/^# /);
    expect(output[1]).toMatchObject({ name: 'transfer_to_editor', arguments: '{}', status: 'completed' });
  });

  it('does not call a transfer that was already made in the conversation', async () => {
    const input: AgentInputItem[] = [
      { role: 'user', content: TOPIC },
      { type: 'function_call', callId: 'c1', name: 'transfer_to_editor', arguments: '{}', status: 'completed' },
      { type: 'function_call_result', callId: 'c1', name: 'transfer_to_editor', status: 'completed', output: { type: 'text', text: '{}' } },
    ];
    const { output } = await new OfflineModel({ role: 'writer', env: {} }).getResponse(request(input, { tools: [fnTool('transfer_to_editor')] }));
    expect(output.map((o) => o.type)).toEqual(['message']);
  });

  it('without transfer tools an agent answers with exactly one assistant message', async () => {
    const { output } = await new OfflineModel({ role: 'research', env: {} }).getResponse(request(TOPIC));
    expect(output).toHaveLength(1);
    expect(output[0]).toMatchObject({ type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text' }] });
  });
});

describe('OfflineModel seeded failures', () => {
  it('fails the first N calls with a retryable OfflineModelError naming role and call number', async () => {
    const model = new OfflineModel({ role: 'writer', failures: 2, env: {} });
    for (const call of [1, 2]) {
      const error = await model.getResponse(request(TOPIC)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OfflineModelError);
      expect(error).toMatchObject({ code: 'OFFLINE_MODEL_FAILURE', retryable: true, role: 'writer', call });
      expect((error as Error).message).toContain('writer');
      expect((error as Error).message).toContain(`call ${call}`);
    }
    await expect(model.getResponse(request(TOPIC))).resolves.toHaveProperty('output');
    expect(model.callCount).toBe(3);
    expect(model.getRetryAdvice({ request: request(TOPIC), error: new OfflineModelError('writer', 1, 1), stream: false, attempt: 1 })).toMatchObject({ suggested: true });
  });

  it('parses AIGEN_OFFLINE_FAIL per role', () => {
    const env = { AIGEN_OFFLINE_FAIL: 'writer:2, research:1' };
    expect(failuresFromEnv('writer', env)).toBe(2);
    expect(failuresFromEnv('research', env)).toBe(1);
    expect(failuresFromEnv('editor', env)).toBe(0);
    expect(failuresFromEnv('technical_writer', env)).toBe(2);
    expect(failuresFromEnv('technical_writer', { AIGEN_OFFLINE_FAIL: 'writer:2,technical_writer:5' })).toBe(5);
    expect(failuresFromEnv('critic', { AIGEN_OFFLINE_FAIL: '*:3' })).toBe(3);
    expect(failuresFromEnv('critic', {})).toBe(0);
    expect(() => failuresFromEnv('writer', { AIGEN_OFFLINE_FAIL: 'writer=two' })).toThrow(ValidationError);
  });

  it('uses the env failure count per instance (one instance per agent per run)', async () => {
    const env = { AIGEN_OFFLINE_FAIL: 'research:1' };
    const research = new OfflineModel({ role: 'research', env });
    await expect(research.getResponse(request(TOPIC))).rejects.toBeInstanceOf(OfflineModelError);
    await expect(research.getResponse(request(TOPIC))).resolves.toHaveProperty('output');
    await expect(new OfflineModel({ role: 'writer', env }).getResponse(request(TOPIC))).resolves.toHaveProperty('output');
    await expect(new OfflineModel({ role: 'research', env }).getResponse(request(TOPIC))).rejects.toBeInstanceOf(OfflineModelError);
  });
});

describe('OfflineModel latency', () => {
  it('waits latencyMs per call and aborts promptly when the request signal aborts', async () => {
    const model = new OfflineModel({ role: 'research', latencyMs: 10_000, env: {} });
    const controller = new AbortController();
    const started = performance.now();
    setTimeout(() => controller.abort(), 20);
    const error = await model.getResponse(request(TOPIC, { signal: controller.signal })).catch((e: unknown) => e);
    expect((error as Error).name).toBe('AbortError');
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('rejects at once on an already-aborted signal, also when streaming', async () => {
    const model = new OfflineModel({ role: 'research', env: {} });
    const signal = AbortSignal.abort();
    await expect(model.getResponse(request(TOPIC, { signal }))).rejects.toMatchObject({ name: 'AbortError' });
    const iterate = async (): Promise<void> => {
      for await (const _ of model.getStreamedResponse(request(TOPIC, { signal }))) {
        // drain
      }
    };
    await expect(iterate()).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('delays by the configured latency and reads AIGEN_OFFLINE_LATENCY_MS', async () => {
    expect(new OfflineModel({ env: { AIGEN_OFFLINE_LATENCY_MS: '250' } }).latencyMs).toBe(250);
    expect(new OfflineModel({ env: {} }).latencyMs).toBe(0);
    const model = new OfflineModel({ role: 'research', latencyMs: 60, env: {} });
    const started = performance.now();
    await model.getResponse(request(TOPIC));
    expect(performance.now() - started).toBeGreaterThanOrEqual(50);
  });
});

describe('OfflineModel structured output', () => {
  it('returns JSON satisfying a simple object schema', async () => {
    const schema = {
      type: 'object' as const,
      properties: {
        title: { type: 'string' },
        classification: { type: 'string', enum: ['technical', 'creative', 'general'] },
        score: { type: 'integer', minimum: 1, maximum: 5 },
        ratio: { type: 'number', minimum: 0, maximum: 1 },
        approved: { type: 'boolean' },
        tags: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 3 },
        author: { $ref: '#/$defs/person' },
        note: { anyOf: [{ type: 'string', maxLength: 20 }, { type: 'null' }] },
      },
      required: ['title', 'classification', 'score', 'ratio', 'approved', 'tags', 'author', 'note'],
      additionalProperties: false as const,
      $defs: { person: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'], additionalProperties: false } },
    };
    const outputType = { type: 'json_schema' as const, name: 'result', strict: true, schema };
    const text = await say('strategy', 'Explain how database indexing works', { outputType });
    const value = JSON.parse(text) as Record<string, unknown>;
    expect(value.classification).toBe('technical');
    expect(typeof value.title).toBe('string');
    expect(Number.isInteger(value.score) && (value.score as number) >= 1 && (value.score as number) <= 5).toBe(true);
    expect((value.ratio as number) >= 0 && (value.ratio as number) <= 1).toBe(true);
    expect(typeof value.approved).toBe('boolean');
    expect((value.tags as string[]).length).toBeGreaterThanOrEqual(1);
    expect((value.tags as string[]).length).toBeLessThanOrEqual(3);
    expect(value.author).toEqual({ name: expect.any(String) });
    expect((value.note as string).length).toBeLessThanOrEqual(20);
  });
});

describe('OfflineModel function tools', () => {
  const lookup = fnTool('lookup', {
    type: 'object',
    properties: { query: { type: 'string' }, limit: { type: 'integer', minimum: 1, maximum: 5 } },
    required: ['query', 'limit'],
    additionalProperties: false,
  });

  it('calls the first ordinary tool once, then writes its role text mentioning the result', async () => {
    const model = new OfflineModel({ role: 'research', env: {} });
    const first = await model.getResponse(request('the history of tea', { tools: [fnTool('transfer_to_writer'), lookup] }));
    expect(first.output).toHaveLength(1);
    const call = first.output[0] as Extract<AgentOutputItem, { type: 'function_call' }>;
    expect(call).toMatchObject({ type: 'function_call', name: 'lookup', status: 'completed' });
    const args = JSON.parse(call.arguments) as { query: string; limit: number };
    expect(args.query).toBe('the history of tea');
    expect(args.limit).toBeGreaterThanOrEqual(1);
    expect(args.limit).toBeLessThanOrEqual(5);

    const input: AgentInputItem[] = [
      { role: 'user', content: 'the history of tea' },
      call,
      { type: 'function_call_result', callId: call.callId, name: 'lookup', status: 'completed', output: { type: 'text', text: '3 facts about tea' } },
    ];
    const second = await model.getResponse(request(input, { tools: [fnTool('transfer_to_writer'), lookup] }));
    expect(second.output.map((o) => o.type)).toEqual(['message', 'function_call']);
    expect(textOf(second.output)).toMatch(/^Research findings on the history of tea:/);
    expect(textOf(second.output)).toContain('3 facts about tea');
  });

  it('accepts raw function_call_output items matched by call id', async () => {
    const input = [
      { role: 'user', content: 'tea' },
      { type: 'function_call', callId: 'c9', name: 'lookup', arguments: '{}', status: 'completed' },
      { type: 'function_call_output', call_id: 'c9', output: 'raw result' },
    ] as unknown as AgentInputItem[];
    const text = await say('writer', input, { tools: [lookup] });
    expect(text).toContain('raw result');
  });

  it('does not call tools when toolChoice is none', async () => {
    const { output } = await new OfflineModel({ role: 'research', env: {} }).getResponse(request('tea', { tools: [lookup], modelSettings: { toolChoice: 'none' } }));
    expect(output.map((o) => o.type)).toEqual(['message']);
  });
});

describe('OfflineModel streaming', () => {
  it('streams text deltas and ends with response_done carrying the same response', async () => {
    const model = new OfflineModel({ role: 'writer', env: {} });
    const req = request(TOPIC, { tools: [fnTool('transfer_to_editor')] });
    const events: StreamEvent[] = [];
    for await (const event of model.getStreamedResponse(req)) events.push(event);
    const expected: ModelResponse = await model.getResponse(req);
    expect(events[0]).toEqual({ type: 'response_started' });
    const done = events.at(-1);
    expect(done?.type).toBe('response_done');
    if (done?.type !== 'response_done') throw new Error('no response_done');
    expect(done.response.output).toEqual(expected.output);
    expect(done.response.id).toBe(expected.responseId);
    expect(done.response.usage).toMatchObject({ requests: 1, inputTokens: expected.usage.inputTokens, outputTokens: expected.usage.outputTokens });
    const deltas = events.flatMap((e) => (e.type === 'output_text_delta' ? [e.delta] : [])).join('');
    expect(deltas).toBe(textOf(expected.output));
  });
});

describe('offline model provider', () => {
  it('recognises offline model names', () => {
    expect(isOfflineModelName('offline')).toBe(true);
    expect(isOfflineModelName('offline:writer')).toBe(true);
    expect(isOfflineModelName('gpt-4.1')).toBe(false);
    expect(isOfflineModelName('offlinex')).toBe(false);
    expect(isOfflineModelName(undefined)).toBe(false);
  });

  it('serves OfflineModels, taking a known role from the name suffix, and rejects other names', async () => {
    const provider = offlineModelProvider({ env: {} });
    const critic = await provider.getModel('offline:critic');
    expect(critic).toBeInstanceOf(OfflineModel);
    expect((critic as OfflineModel).role).toBe('critic');
    expect((await provider.getModel('offline:fast') as OfflineModel).role).toBeUndefined();
    expect(await provider.getModel()).toBeInstanceOf(OfflineModel);
    expect(() => provider.getModel('gpt-4.1')).toThrow(ValidationError);
  });
});

describe('OfflineModel through the @openai/agents SDK', () => {
  it('runs as an Agent model and produces the final output', async () => {
    const agent = new Agent({ name: 'research', instructions: 'Research the topic.', model: new OfflineModel({ role: 'research', env: {} }) });
    const result = await run(agent, 'quantum computing');
    expect(result.finalOutput).toMatch(/^Research findings on quantum computing:/);
  });

  it('round-trips a zod function tool through the SDK runner', async () => {
    const lookup = tool({
      name: 'lookup',
      description: 'Look up facts',
      parameters: z.object({ query: z.string(), limit: z.number().int().min(1).max(5) }),
      execute: ({ query, limit }) => `found ${limit} facts about ${query}`,
    });
    const agent = new Agent({ name: 'research', instructions: 'Research.', tools: [lookup], model: new OfflineModel({ role: 'research', env: {} }) });
    const result = await run(agent, 'Research the history of tea');
    expect(result.newItems.map((i) => i.type)).toEqual(['tool_call_item', 'tool_call_output_item', 'message_output_item']);
    expect(result.finalOutput).toContain('facts about the history of tea');
  });

  it('hands off through SDK handoffs from orchestrator to research to writer', async () => {
    const writer = new Agent({ name: 'writer', instructions: 'You are a skilled writer.', model: new OfflineModel({ env: {} }) });
    const research = new Agent({ name: 'research', instructions: 'You are a research analyst.', model: new OfflineModel({ env: {} }), handoffs: [writer] });
    const triage = new Agent({ name: 'triage', instructions: 'You are a triage orchestrator.', model: new OfflineModel({ env: {} }), handoffs: [writer, research] });
    const result = await run(triage, TOPIC);
    expect(result.lastAgent?.name).toBe('writer');
    expect(result.finalOutput).toMatch(/^# /);
  });

  it('streams through the SDK with the same final output', async () => {
    const agent = new Agent({ name: 'summarizer', instructions: 'Summarise.', model: new OfflineModel({ role: 'summarizer', env: {} }) });
    const streamed = await run(agent, TOPIC, { stream: true });
    let text = '';
    for await (const event of streamed) {
      if (event.type === 'raw_model_stream_event' && event.data.type === 'output_text_delta') text += event.data.delta;
    }
    await streamed.completed;
    expect(text).toBe(streamed.finalOutput);
    expect((await run(agent, TOPIC)).finalOutput).toBe(streamed.finalOutput);
  });
});
