import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aigen, json, REPO, type Sandbox } from './helpers.js';

/*
 * A project file whose `agents` are SDK Agent objects (`new Agent({ … })` of @openai/agents),
 * run by the `aigen` binary on the offline model.
 */

let sb: Sandbox;

const CONFIG = `import { defineConfig, createAgent, HandoffWorkflow } from 'aigen';
import { Agent, tool } from '@openai/agents';
import { z } from 'zod';
const getWeather = tool({ name: 'get_weather', description: 'The weather in a city', parameters: z.object({ city: z.string() }), execute: async ({ city }) => \`\${city}: sunny\` });
const forecaster = new Agent({
  name: 'Forecaster',
  instructions: (_ctx, agent) => \`You are \${agent.name}. Give a short weather forecast.\`,
  tools: [getWeather],
  modelSettings: { parallelToolCalls: true },
  outputType: z.object({ city: z.string(), summary: z.string(), rainLikely: z.boolean() }),
});
// The SDK warns (on stderr) when agents that hand off have different output types; this one means it.
const triage = new Agent({ name: 'Triage', instructions: 'Send weather questions to the forecaster.', handoffs: [forecaster], handoffOutputTypeWarningEnabled: false });
export default defineConfig({
  agents: { weather: forecaster, triage },
  workflows: { weather_desk: () => new HandoffWorkflow({ name: 'weather_desk', agents: [createAgent('triage'), createAgent('weather')] }) },
});
`;

const REFUSED = `import { defineConfig } from 'aigen';
import { Agent, shellTool } from '@openai/agents';
const ops = new Agent({ name: 'Ops', instructions: 'Run commands.', tools: [shellTool({ name: 'run_shell', shell: { run: async () => ({ output: [] }) } })] });
export default defineConfig({ agents: { ops } });
`;

beforeAll(() => {
  // Inside the repository, so the project file's imports (zod, @openai/agents) resolve to the same copies.
  const root = join(REPO, 'test-artifacts');
  mkdirSync(root, { recursive: true });
  const dir = mkdtempSync(join(root, 'cli-sdk-agents-'));
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('AIGEN_') || key === 'OPENAI_API_KEY') delete env[key];
  env.AIGEN_STORE = `sqlite:${join(dir, 'sdk.db')}`;
  sb = { dir, store: env.AIGEN_STORE, env, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
  writeFileSync(join(dir, 'aigen.config.ts'), CONFIG);
  writeFileSync(join(dir, 'refused.config.ts'), REFUSED);
});
afterAll(() => sb.cleanup());

describe('SDK Agent objects in the project file', { timeout: 600_000 }, () => {
  it('runs an SDK Agent with an outputType by its key: the result in --json, status and replay is the parsed object', async () => {
    const r = await aigen(['run', 'weather', 'Weather in Oslo tomorrow?', '--json', '--model', 'offline'], { sb });
    expect([r.code, r.stderr]).toEqual([0, '']);
    const run = json<{ runId: string; status: string; result: unknown }>(r);
    expect(run.status).toBe('completed');
    expect(run.result).toEqual({ city: expect.any(String), summary: expect.any(String), rainLikely: expect.any(Boolean) });
    const status = json<{ result: unknown; steps: Array<{ agentId: string }> }>(await aigen(['status', run.runId, '--json'], { sb }));
    expect(status.result).toEqual(run.result);
    expect(status.steps.map((s) => s.agentId)).toEqual(['weather']);
    const replay = await aigen(['replay', run.runId, '--json'], { sb });
    expect(json<{ match: boolean }>(replay).match).toBe(true);
  });

  it('runs a handoff workflow of the project file built from SDK Agents and their handoffs', async () => {
    const r = await aigen(['run', 'weather_desk', 'Will it rain in Bergen?', '--json', '--model', 'offline'], { sb });
    expect([r.code, r.stderr]).toEqual([0, '']);
    const run = json<{ runId: string; status: string; result: unknown }>(r);
    expect(run.status).toBe('completed');
    // The triage handed the conversation to the forecaster, whose structured answer is the result.
    expect(run.result).toEqual(expect.objectContaining({ rainLikely: expect.any(Boolean) }));
    const status = json<{ steps: Array<{ agentId: string }> }>(await aigen(['status', run.runId, '--json'], { sb }));
    expect(status.steps.map((s) => s.agentId)).toEqual(['triage', 'weather']);
  });

  it('refuses an SDK Agent with a tool aigen cannot record: exit 2, naming the field', async () => {
    const r = await aigen(['run', 'ops', 'ls', '--json', '--model', 'offline', '--config', 'refused.config.ts'], { sb });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("refused.config.ts: agents.ops.tools[0]: 'run_shell' cannot be honoured");
  });
});
