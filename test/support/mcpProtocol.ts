// A small MCP server (JSON-RPC 2.0: initialize, tools/list, tools/call) for tests, without
// dependencies: `mcpStdioServer.ts` serves it over stdio, `mcpHttpServer.ts` over streamable HTTP.

/** A tool of the test server. */
export interface TestTool { name: string; description: string; inputSchema: object; run: (args: { a: number; b: number }) => string }

/** Which tools a test server offers. */
export type ToolSet = 'calc' | 'calc2';

/** Tools by set: `calc` offers add; `calc2` offers add and multiply (a server whose tools changed). */
export const TOOL_SETS: Record<ToolSet, TestTool[]> = {
  calc: [
    {
      name: 'add',
      description: 'Add two numbers',
      inputSchema: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'], additionalProperties: false },
      run: ({ a, b }) => String(a + b),
    },
  ],
  calc2: [
    {
      name: 'add',
      description: 'Add two numbers',
      inputSchema: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'], additionalProperties: false },
      run: ({ a, b }) => String(a + b),
    },
    {
      name: 'multiply',
      description: 'Multiply two numbers',
      inputSchema: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'], additionalProperties: false },
      run: ({ a, b }) => String(a * b),
    },
  ],
};

interface Message { id?: string | number | null; method?: string; params?: { protocolVersion?: string; name?: string; arguments?: { a: number; b: number } } }

/** The answer to one JSON-RPC message, or undefined for a notification. */
export function answer(server: { tools: () => TestTool[]; onCall?: (name: string) => void }, message: Message): object | undefined {
  if (message.id === undefined || message.id === null) return undefined;
  const ok = (result: object) => ({ jsonrpc: '2.0', id: message.id, result });
  switch (message.method) {
    case 'initialize':
      return ok({
        protocolVersion: message.params?.protocolVersion ?? '2025-06-18',
        capabilities: { tools: { listChanged: false } },
        serverInfo: { name: 'test-calc', version: '1.0.0' },
      });
    case 'ping':
      return ok({});
    case 'tools/list':
      return ok({ tools: server.tools().map(({ name, description, inputSchema }) => ({ name, description, inputSchema })) });
    case 'tools/call': {
      const t = server.tools().find((x) => x.name === message.params?.name);
      if (!t) return { jsonrpc: '2.0', id: message.id, error: { code: -32602, message: `unknown tool ${message.params?.name ?? ''}` } };
      server.onCall?.(t.name);
      return ok({ content: [{ type: 'text', text: t.run(message.params?.arguments ?? { a: 0, b: 0 }) }] });
    }
    default:
      return { jsonrpc: '2.0', id: message.id, error: { code: -32601, message: `method not found: ${message.method ?? ''}` } };
  }
}
