// The test MCP server over stdio (newline-delimited JSON-RPC): `node --import tsx mcpStdioServer.ts <toolSet> [callLog]`.
// Each tools/call appends the tool's name to the file `callLog` when given.
import { appendFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { answer, TOOL_SETS, type ToolSet } from './mcpProtocol.js';

const set = TOOL_SETS[(process.argv[2] ?? 'calc') as ToolSet];
const log = process.argv[3];
const server = { tools: () => set, onCall: (name: string) => void (log && appendFileSync(log, `${name}\n`)) };
for await (const line of createInterface({ input: process.stdin })) {
  if (!line.trim()) continue;
  const reply = answer(server, JSON.parse(line) as Parameters<typeof answer>[1]);
  if (reply) process.stdout.write(`${JSON.stringify(reply)}\n`);
}
