// The test MCP server over stdio: `node --import tsx mcpStdioServer.ts <toolSet> [callLog]`.
// Each tool call appends the tool's name to the file `callLog` when given.
import { appendFileSync } from 'node:fs';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { calcServer, type ToolSet } from './mcpProtocol.js';

const log = process.argv[3];
await calcServer((process.argv[2] ?? 'calc') as ToolSet, (name) => void (log && appendFileSync(log, `${name}\n`))).connect(new StdioServerTransport());
