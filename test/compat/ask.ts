import type { StubRequest } from '../support/openaiStub.js';

/**
 * What a model request asks, read the same way from the Responses and the Chat Completions
 * wire formats: the compatibility examples' "model" answers from this, so the plain SDK and aigen
 * get the same answers to the same requests.
 */
export interface Ask {
  /** The agent's instructions (system prompt). */
  instructions: string;
  /** The user's messages, joined. */
  user: string;
  /** Function calls made so far in this conversation, by call id. */
  calls: Array<{ callId: string; name: string; arguments: string }>;
  /** Results of function calls so far, by call id, as text. */
  results: Array<{ callId: string; output: string }>;
  /** Names of the tools offered. */
  tools: string[];
  /** A structured output was asked for (a JSON schema response format). */
  structured: boolean;
}

type Json = Record<string, unknown>;
const text = (v: unknown): string => {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map((p) => text((p as Json).text ?? (p as Json).output ?? '')).join('');
  if (v && typeof v === 'object') return text((v as Json).text ?? JSON.stringify(v));
  return '';
};

/** Read a stub request as an {@link Ask}. */
export function askOf(req: StubRequest): Ask {
  const body = req.body;
  const ask: Ask = { instructions: req.instructions ?? '', user: '', calls: [], results: [], tools: [], structured: false };
  const users: string[] = [];
  if (req.api === 'chat') {
    for (const m of (body.messages as Json[] | undefined) ?? []) {
      if (m.role === 'user') users.push(text(m.content));
      if (m.role === 'tool') ask.results.push({ callId: String(m.tool_call_id), output: text(m.content) });
      for (const c of (m.tool_calls as Json[] | undefined) ?? []) {
        const f = c.function as Json;
        ask.calls.push({ callId: String(c.id), name: String(f.name), arguments: String(f.arguments) });
      }
    }
    ask.tools = ((body.tools as Json[] | undefined) ?? []).map((t) => String((t.function as Json).name));
    ask.structured = (body.response_format as Json | undefined)?.type === 'json_schema';
  } else {
    const input = body.input;
    if (typeof input === 'string') users.push(input);
    for (const item of Array.isArray(input) ? (input as Json[]) : []) {
      if (item.role === 'user') users.push(text(item.content));
      if (item.type === 'function_call') ask.calls.push({ callId: String(item.call_id), name: String(item.name), arguments: String(item.arguments) });
      if (item.type === 'function_call_output') ask.results.push({ callId: String(item.call_id), output: text(item.output) });
    }
    ask.tools = ((body.tools as Json[] | undefined) ?? []).map((t) => String(t.name));
    ask.structured = ((body.text as Json | undefined)?.format as Json | undefined)?.type === 'json_schema';
  }
  ask.user = users.join('\n');
  return ask;
}

/** The result of the call named `name` (the first one), if it returned. */
export function resultOf(ask: Ask, name: string): string | undefined {
  const call = ask.calls.find((c) => c.name === name);
  return call ? ask.results.find((r) => r.callId === call.callId)?.output : undefined;
}
