// A small MCP server for tests, built with the MCP TypeScript SDK: `mcpStdioServer.ts` serves it
// over stdio, `mcpHttpServer.ts` over streamable HTTP.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';

/** Which tools a test server offers. */
export type ToolSet = 'calc' | 'calc2';

const numbers = { a: z.number(), b: z.number() };

/** Tools by set: `calc` offers add; `calc2` offers add and multiply (a server whose tools changed). */
const TOOLS: Record<ToolSet, Array<{ name: string; description: string; run: (a: number, b: number) => number }>> = {
  calc: [{ name: 'add', description: 'Add two numbers', run: (a, b) => a + b }],
  calc2: [
    { name: 'add', description: 'Add two numbers', run: (a, b) => a + b },
    { name: 'multiply', description: 'Multiply two numbers', run: (a, b) => a * b },
  ],
};

/** An MCP server offering the tools of `set`; `onCall` hears the name of each tool called. */
export function calcServer(set: ToolSet, onCall: (name: string) => void = () => undefined): McpServer {
  const server = new McpServer({ name: 'test-calc', version: '1.0.0' });
  for (const t of TOOLS[set]) {
    server.registerTool(t.name, { description: t.description, inputSchema: numbers }, ({ a, b }) => {
      onCall(t.name);
      return { content: [{ type: 'text', text: String(t.run(a, b)) }] };
    });
  }
  return server;
}
