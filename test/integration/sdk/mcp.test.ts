import { MCPServerStdio, MCPServerStreamableHttp, tool } from '@openai/agents';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent, DeterministicWorkflow, WorkflowEngine } from '../../../src/index.js';
import { callTool, createMemoryStore, say, ScriptedModel } from '../../../src/testing/index.js';
import { startMcpHttpServer } from '../../support/mcpHttpServer.js';
import { dataOf, runEvents } from '../../support/runs.js';

const SCRIPT = fileURLToPath(new URL('../../support/mcpStdioServer.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'aigen-mcp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface ToolEvent { stepId: string; callId: string; tool: string; server?: string; output?: unknown }
interface Listed { stepId: string; server: string; tools: Array<{ name: string; description?: string; inputSchema: unknown }> }

const calc = (name: string) => new ScriptedModel([callTool('add', { a: 2, b: 3 }), say('2 + 3 = 5')], { name });

describe('MCP servers of an agent', () => {
  it('stdio: each tool call is recorded with the server name, the tool list too, and replay never starts the server', async () => {
    const store = createMemoryStore();
    const calls = join(dir, 'stdio-calls.txt');
    const server = new MCPServerStdio({ name: 'calc-stdio', command: process.execPath, args: ['--import', 'tsx', SCRIPT, 'calc', calls] });
    const agent = createAgent('research', { mcpServers: [server] });
    const model = calc('stdio');
    const engine = new WorkflowEngine({ store, modelResolver: () => model });
    const workflow = () => new DeterministicWorkflow({ name: 'calc', agents: [agent] });
    const r = await engine.execute(workflow(), undefined, 'What is 2 + 3?');
    expect(r.status, JSON.stringify(r.error)).toBe('completed');
    const events = await runEvents(store, r.runId);
    expect(dataOf<Listed>(events, 'McpToolsListed')).toEqual([
      expect.objectContaining({ server: 'calc-stdio', tools: [expect.objectContaining({ name: 'add', description: 'Add two numbers', inputSchema: expect.objectContaining({ type: 'object' }) })] }),
    ]);
    expect(dataOf<ToolEvent>(events, 'ToolCalled')).toEqual([expect.objectContaining({ tool: 'add', server: 'calc-stdio', arguments: '{"a":2,"b":3}' })]);
    expect(dataOf<ToolEvent>(events, 'ToolReturned')).toEqual([expect.objectContaining({ tool: 'add', server: 'calc-stdio', output: { type: 'text', text: '5' } })]);
    expect(readFileSync(calls, 'utf8')).toBe('add\n');

    // The replay has a server that cannot start: it is never asked for.
    const dead = new MCPServerStdio({ name: 'calc-stdio', command: join(dir, 'no-such-server') });
    const replayAgent = createAgent('research', { mcpServers: [dead] });
    const replay = await engine.replay(r.runId, { workflow: new DeterministicWorkflow({ name: 'calc', agents: [replayAgent] }) });
    expect(replay.match, JSON.stringify(replay.divergence)).toBe(true);
    expect(model.calls).toBe(2);
    expect(readFileSync(calls, 'utf8')).toBe('add\n');
  });

  it('streamable HTTP: recorded the same way, and replay matches with the server stopped', async () => {
    const store = createMemoryStore();
    const http = await startMcpHttpServer('calc');
    const agent = createAgent('research', { mcpServers: [new MCPServerStreamableHttp({ name: 'calc-http', url: http.url })] });
    const model = calc('http');
    const engine = new WorkflowEngine({ store, modelResolver: () => model });
    const workflow = () => new DeterministicWorkflow({ name: 'calc', agents: [agent] });
    const r = await engine.execute(workflow(), undefined, 'What is 2 + 3?');
    expect(r.status, JSON.stringify(r.error)).toBe('completed');
    expect(http.calls).toEqual(['add']);
    await http.close();
    const events = await runEvents(store, r.runId);
    expect(dataOf<Listed>(events, 'McpToolsListed').map((l) => [l.server, l.tools.map((t) => t.name)])).toEqual([['calc-http', ['add']]]);
    expect(dataOf<ToolEvent>(events, 'ToolReturned')).toEqual([expect.objectContaining({ tool: 'add', server: 'calc-http' })]);
    const replay = await engine.replay(r.runId, { workflow: workflow() });
    expect(replay.match, JSON.stringify(replay.divergence)).toBe(true);
    expect(model.calls).toBe(2);
  });

  it('a run continued live against a server whose tools changed reports the divergence', async () => {
    const store = createMemoryStore();
    const http = await startMcpHttpServer('calc');
    const confirm = tool({
      name: 'confirm', description: 'Confirm the result', parameters: z.object({ result: z.string() }),
      needsApproval: true, execute: ({ result }) => `confirmed ${result}`,
    });
    const agent = createAgent('research', { tools: [confirm], mcpServers: [new MCPServerStreamableHttp({ name: 'calc-http', url: http.url })] });
    const model = new ScriptedModel([callTool('add', { a: 2, b: 3 }), callTool('confirm', { result: '5' }), say('5, confirmed')], { name: 'changed' });
    const engine = new WorkflowEngine({ store, modelResolver: () => model });
    const workflow = () => new DeterministicWorkflow({ name: 'calc_confirm', agents: [agent] });
    engine.catalog.registerWorkflow('calc_confirm', workflow, { description: 'add, then confirm' });
    const r = await engine.execute(workflow(), undefined, 'What is 2 + 3?');
    expect(r.status, JSON.stringify(r.error)).toBe('waiting');
    http.offer('calc2');
    try {
      const decided = await engine.approve(r.runId, { by: 'ann' });
      const done = await decided.done!;
      expect(done.status).toBe('failed');
      expect(done.error?.code).toBe('REPLAY_DIVERGED');
      expect(done.error?.message).toMatch(/multiply/);
    } finally {
      await http.close();
    }
  });
});
