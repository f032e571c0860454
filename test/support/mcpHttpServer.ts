import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { calcServer, type ToolSet } from './mcpProtocol.js';

/** The test MCP server over streamable HTTP (stateless: a server per request), in this process. */
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
  const server: Server = createServer((req, res) => {
    if (req.method !== 'POST') {
      res.writeHead(405).end();
      return;
    }
    state.requests += 1;
    const mcp = calcServer(current, (name) => void state.calls.push(name));
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => {
      void transport.close();
      void mcp.close();
    });
    void mcp.connect(transport).then(() => transport.handleRequest(req, res));
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
