import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { answer, TOOL_SETS, type ToolSet } from './mcpProtocol.js';

/** The test MCP server over streamable HTTP (JSON responses, no SSE stream), in this process. */
export interface McpHttpServer {
  url: string;
  /** Requests received (every JSON-RPC message posted). */
  requests: number;
  /** Names of the tools called, in order. */
  calls: string[];
  /** Change the tools it offers. */
  offer(set: ToolSet): void;
  close(): Promise<void>;
}

/** Start the test MCP server on a free port of 127.0.0.1. */
export async function startMcpHttpServer(set: ToolSet = 'calc'): Promise<McpHttpServer> {
  let current: ToolSet = set;
  const state = { requests: 0, calls: [] as string[] };
  const rpc = { tools: () => TOOL_SETS[current], onCall: (name: string) => void state.calls.push(name) };
  const server: Server = createServer((req, res) => {
    if (req.method !== 'POST') {
      res.writeHead(405).end();
      return;
    }
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      state.requests += 1;
      const reply = answer(rpc, JSON.parse(body) as Parameters<typeof answer>[1]);
      if (reply === undefined) {
        res.writeHead(202).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', 'mcp-session-id': 'test-session' }).end(JSON.stringify(reply));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    get requests() {
      return state.requests;
    },
    calls: state.calls,
    offer: (next) => void (current = next),
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
