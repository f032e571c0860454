/**
 * A local OpenAI-compatible HTTP server for tests: `POST /v1/responses` and
 * `POST /v1/chat/completions`, each non-streaming and streaming (SSE), driven by the same
 * {@link Turn} values as `ScriptedModel`. Point the real SDK at it with
 * `new OpenAIProvider({ apiKey: 'sk-test', baseURL: stub.baseURL, useResponses })`.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_TURN_USAGE, type Turn, type TurnPart } from '../../src/testing/scriptedModel.js';

/** One request the stub received (every path, including unknown ones). */
export interface StubRequest {
  /** 0-based position among *model* requests (responses + chat); -1 for other paths. */
  readonly index: number;
  readonly method: string;
  readonly path: string;
  /** Lower-cased header names, e.g. `headers.authorization === 'Bearer sk-test-123'`. */
  readonly headers: IncomingHttpHeaders;
  readonly body: Record<string, unknown>;
  readonly api: 'responses' | 'chat' | undefined;
  readonly stream: boolean;
  /** Responses `instructions`, or the first system/developer message of a chat request. */
  readonly instructions: string | undefined;
}

/** Answers only the stub gives (no ScriptedModel equivalent): raw HTTP errors and silence. */
export type StubReply =
  | { readonly kind: 'http'; readonly status: number; readonly message: string; readonly headers: Readonly<Record<string, string>> }
  | { readonly kind: 'hang' }
  | { readonly kind: 'after'; readonly ready: Promise<unknown>; readonly turn: StubTurn };

/** A turn of a script: what ScriptedModel plays, or a {@link StubReply}. */
export type StubTurn = Turn | StubReply;

/** Turns in order across all model requests, or a function choosing the turn per request. */
export type StubScript = readonly StubTurn[] | ((req: StubRequest) => StubTurn | undefined);

/**
 * Answer with an HTTP error in OpenAI's shape, with extra headers (e.g. `retry-after`).
 * @example
 * ```ts
 * startOpenAIStub({ responses: [httpError(429, 'slow down', { 'retry-after': '1' }), say('ok')] });
 * ```
 */
export function httpError(status: number, message: string, headers: Record<string, string> = {}): StubReply {
  return { kind: 'http', status, message, headers };
}

/** Play `turn` once `ready` resolves (the test decides when the server answers). */
export function after(ready: Promise<unknown>, turn: StubTurn): StubReply {
  return { kind: 'after', ready, turn };
}

/** Accept the request and never answer (until the client gives up). */
export function hang(): StubReply {
  return { kind: 'hang' };
}

/**
 * How streamed answers are cut: text in word chunks (`wordsPerChunk`, default: the whole text in
 * one chunk) and tool arguments in `argumentChars`-character chunks, with `delayMs` after each chunk.
 */
export interface StubStreaming {
  wordsPerChunk?: number;
  argumentChars?: number;
  delayMs?: number;
}

/** Cut text into chunks of `n` words (each with its following whitespace); they concatenate to `text`. */
export function wordChunks(text: string, n: number): string[] {
  const words = text.match(/\s*\S+\s*/g) ?? [text];
  const out: string[] = [];
  for (let i = 0; i < words.length; i += n) out.push(words.slice(i, i + n).join(''));
  return out.length > 0 ? out : [text];
}

function charChunks(text: string, n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += n) out.push(text.slice(i, i + n));
  return out.length > 0 ? out : [text];
}

/** A running stub. `baseURL` ends in `/v1`, as the openai client expects. */
export interface OpenAIStub {
  readonly baseURL: string;
  readonly requests: StubRequest[];
  close(): Promise<void>;
}

/**
 * Per-agent scripts sharing one stub: each request plays the next turn of the queue whose key
 * its instructions start with (give each agent distinct instructions).
 * @example
 * ```ts
 * startOpenAIStub({ responses: byInstructions({ 'You triage': [handoffTo('billing')], 'You bill': [say('ok')] }) });
 * ```
 */
export function byInstructions(queues: Readonly<Record<string, readonly Turn[]>>): (req: StubRequest) => Turn | undefined {
  const played = new Map<string, number>();
  return (req) => {
    const key = Object.keys(queues).find((k) => req.instructions?.startsWith(k));
    if (key === undefined) return undefined;
    const n = played.get(key) ?? 0;
    played.set(key, n + 1);
    return queues[key]?.[n];
  };
}

/**
 * Start the stub on 127.0.0.1 (random port).
 * @example
 * ```ts
 * const stub = await startOpenAIStub({ responses: [say('hi')] });
 * try { ... } finally { await stub.close(); }
 * ```
 */
export async function startOpenAIStub(options: { responses: StubScript; streaming?: StubStreaming }): Promise<OpenAIStub> {
  const requests: StubRequest[] = [];
  let modelCalls = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      const api = req.method !== 'POST' ? undefined
        : path === '/v1/responses' ? 'responses' : path === '/v1/chat/completions' ? 'chat' : undefined;
      let body: Record<string, unknown>;
      try {
        const raw = Buffer.concat(chunks).toString('utf8');
        body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      } catch {
        return sendError(res, 400, 'We could not parse the JSON body of your request.', 'invalid_request_error');
      }
      const record: StubRequest = {
        index: api ? modelCalls++ : -1, method: req.method ?? 'GET', path, headers: req.headers, body, api,
        stream: body.stream === true, instructions: api ? instructionsOf(api, body) : undefined,
      };
      requests.push(record);
      if (!api) return sendError(res, 404, `Invalid URL (${record.method} ${path})`, 'invalid_request_error');
      const script = options.responses;
      const turn = typeof script === 'function' ? script(record) : script[record.index];
      if (!turn) return sendError(res, 500, `openai stub: no scripted turn for request #${record.index + 1}`, 'server_error');
      play(turn, record, res, options.streaming).catch((e: unknown) => res.destroy(e instanceof Error ? e : undefined));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () => new Promise<void>((resolve, reject) => {
      server.closeAllConnections();
      server.close((e) => (e ? reject(e) : resolve()));
    }),
  };
}

function instructionsOf(api: 'responses' | 'chat', body: Record<string, unknown>): string | undefined {
  if (api === 'responses') return typeof body.instructions === 'string' ? body.instructions : undefined;
  const messages = Array.isArray(body.messages) ? (body.messages as { role?: string; content?: unknown }[]) : [];
  const content = messages.find((m) => m.role === 'system' || m.role === 'developer')?.content;
  if (typeof content === 'string') return content;
  return Array.isArray(content) ? (content as { text?: string }[]).map((p) => p.text ?? '').join('') : undefined;
}

/** An OpenAI-shaped error. `x-should-retry` stops the openai client's own retries unless retryable. */
function sendError(res: ServerResponse, status: number, message: string, type: string, retryable = false): void {
  res.writeHead(status, { 'content-type': 'application/json', 'x-should-retry': String(retryable) });
  res.end(JSON.stringify({ error: { message, type, param: null, code: null } }));
}

async function play(turn: StubTurn, req: StubRequest, res: ServerResponse, streaming: StubStreaming = {}): Promise<void> {
  if (turn.kind === 'hang') return;
  if (turn.kind === 'after') {
    await turn.ready;
    return play(turn.turn, req, res, streaming);
  }
  if (turn.kind === 'http') {
    res.writeHead(turn.status, { 'content-type': 'application/json', ...turn.headers });
    res.end(JSON.stringify({ error: { message: turn.message, type: turn.status >= 500 ? 'server_error' : 'invalid_request_error', param: null, code: null } }));
    return;
  }
  if (turn.kind === 'delay') {
    await sleep(turn.ms);
    return play(turn.turn, req, res, streaming);
  }
  if (turn.kind === 'fail') {
    const status = (turn.error as { status?: unknown }).status;
    const code = typeof status === 'number' ? status : turn.retryable ? 503 : 400;
    return sendError(res, code, turn.error.message, turn.retryable ? 'server_error' : 'invalid_request_error', turn.retryable);
  }
  const n = req.index + 1;
  const model = typeof req.body.model === 'string' ? req.body.model : 'stub-model';
  const input = turn.usage?.inputTokens ?? DEFAULT_TURN_USAGE.inputTokens;
  const output = turn.usage?.outputTokens ?? DEFAULT_TURN_USAGE.outputTokens;
  const parts = turn.parts.map((p, i) => ({ ...p, id: `${n}_${i + 1}` }));
  const render = req.api === 'responses' ? responsesWire : chatWire;
  const cut: Cut = {
    text: (t) => (streaming.wordsPerChunk ? wordChunks(t, streaming.wordsPerChunk) : [t]),
    args: (a) => (streaming.argumentChars ? charChunks(a, streaming.argumentChars) : [a]),
  };
  const { json, events } = render(parts, { n, model, input, output, req, cut });
  if (!req.stream) {
    res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': `req_stub_${n}` });
    res.end(JSON.stringify(json));
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-request-id': `req_stub_${n}` });
  for (const e of events) {
    if (res.destroyed) return;
    if (e === '[DONE]') res.write('data: [DONE]\n\n');
    else res.write(`${typeof e.type === 'string' ? `event: ${e.type}\n` : ''}data: ${JSON.stringify(e)}\n\n`);
    if (e !== '[DONE]' && deltaEvents.has(e) && streaming.delayMs) await sleep(streaming.delayMs);
  }
  res.end();
}

type IdPart = TurnPart & { id: string };
type Json = Record<string, unknown>;
interface Cut { text(t: string): string[]; args(a: string): string[] }
interface WireContext { n: number; model: string; input: number; output: number; req: StubRequest; cut: Cut }
/** The stream events that carry a delta (the stub pauses after each). */
const deltaEvents = new WeakSet<Json>();
function delta(e: Json): Json {
  deltaEvents.add(e);
  return e;
}
interface Wire { json: Json; events: (Json | '[DONE]')[] }

function responsesWire(parts: IdPart[], { n, model, input, output, req, cut }: WireContext): Wire {
  const items = parts.map((p): Json => p.type === 'text'
    ? { type: 'message', id: `msg_stub_${p.id}`, status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: p.text, annotations: [], logprobs: [] }] }
    : { type: 'function_call', id: `fc_stub_${p.id}`, call_id: p.callId ?? `call_stub_${p.id}`, name: p.name, arguments: p.arguments, status: 'completed' });
  const base = {
    id: `resp_stub_${n}`, object: 'response', created_at: Math.floor(Date.now() / 1000), model, error: null,
    incomplete_details: null, instructions: req.body.instructions ?? null, metadata: {}, parallel_tool_calls: true,
    previous_response_id: req.body.previous_response_id ?? null, tool_choice: req.body.tool_choice ?? 'auto',
    tools: req.body.tools ?? [], temperature: 1, top_p: 1, text: { format: { type: 'text' } }, truncation: 'disabled',
  };
  const usage = {
    input_tokens: input, output_tokens: output, total_tokens: input + output,
    input_tokens_details: { cached_tokens: 0 }, output_tokens_details: { reasoning_tokens: 0 },
  };
  const json = { ...base, status: 'completed', output: items, usage };
  let seq = 0;
  const ev = (type: string, data: Json): Json => ({ type, sequence_number: seq++, ...data });
  const events: Json[] = [
    ev('response.created', { response: { ...base, status: 'in_progress', output: [], usage: null } }),
    ev('response.in_progress', { response: { ...base, status: 'in_progress', output: [], usage: null } }),
  ];
  items.forEach((item, output_index) => {
    const item_id = item.id;
    if (item.type === 'message') {
      const part = (item.content as Json[])[0] ?? {};
      events.push(
        ev('response.output_item.added', { output_index, item: { ...item, status: 'in_progress', content: [] } }),
        ev('response.content_part.added', { item_id, output_index, content_index: 0, part: { ...part, text: '' } }),
        ...cut.text(String(part.text)).map((d) => delta(ev('response.output_text.delta', { item_id, output_index, content_index: 0, delta: d, logprobs: [] }))),
        ev('response.output_text.done', { item_id, output_index, content_index: 0, text: part.text, logprobs: [] }),
        ev('response.content_part.done', { item_id, output_index, content_index: 0, part }),
      );
    } else {
      events.push(
        ev('response.output_item.added', { output_index, item: { ...item, status: 'in_progress', arguments: '' } }),
        ...cut.args(String(item.arguments)).map((d) => delta(ev('response.function_call_arguments.delta', { item_id, output_index, delta: d }))),
        ev('response.function_call_arguments.done', { item_id, output_index, arguments: item.arguments }),
      );
    }
    events.push(ev('response.output_item.done', { output_index, item }));
  });
  events.push(ev('response.completed', { response: json }));
  return { json, events };
}

function chatWire(parts: IdPart[], { n, model, input, output, req, cut }: WireContext): Wire {
  const text = parts.flatMap((p) => (p.type === 'text' ? [p.text] : [])).join('');
  const calls = parts.flatMap((p) => (p.type === 'tool_call'
    ? [{ id: p.callId ?? `call_stub_${p.id}`, type: 'function', function: { name: p.name, arguments: p.arguments } }] : []));
  const finish_reason = calls.length ? 'tool_calls' : 'stop';
  const usage = { prompt_tokens: input, completion_tokens: output, total_tokens: input + output };
  const head = { id: `chatcmpl-stub-${n}`, created: Math.floor(Date.now() / 1000), model, system_fingerprint: null };
  const message = { role: 'assistant', content: text || null, refusal: null, ...(calls.length ? { tool_calls: calls } : {}) };
  const json = { ...head, object: 'chat.completion', choices: [{ index: 0, message, finish_reason, logprobs: null }], usage };
  const chunk = (delta: Json, finish: string | null = null): Json =>
    ({ ...head, object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }] });
  const events: (Json | '[DONE]')[] = [chunk({ role: 'assistant', content: '' })];
  if (text) events.push(...cut.text(text).map((d) => delta(chunk({ content: d }))));
  calls.forEach((c, index) => events.push(
    chunk({ tool_calls: [{ index, id: c.id, type: 'function', function: { name: c.function.name, arguments: '' } }] }),
    ...cut.args(c.function.arguments).map((d) => delta(chunk({ tool_calls: [{ index, function: { arguments: d } }] }))),
  ));
  events.push(chunk({}, finish_reason));
  const streamOptions = req.body.stream_options as { include_usage?: boolean } | undefined;
  if (streamOptions?.include_usage) events.push({ ...head, object: 'chat.completion.chunk', choices: [], usage });
  events.push('[DONE]');
  return { json, events };
}
