import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { say } from '../../../src/testing/scriptedModel.js';
import { startOpenAIStub, type OpenAIStub } from '../../support/openaiStub.js';
import { aigen, json, REPO, storedEvents, type Sandbox } from './helpers.js';

/** A project whose agent calls an SDK agent as a tool (`asTool`); the nested agent names no model. */
const CONFIG = `import { defineConfig, createAgent, DeterministicWorkflow } from 'aigen';
import { Agent } from '@openai/agents';
const translator = new Agent({ name: 'Translator', instructions: 'Translate the text into French.' });
export default defineConfig({
  tools: [translator.asTool({ toolName: 'translate', toolDescription: 'Translate a text into French' })],
  agents: { localizer: { instructions: 'Translate the request with the translate tool, then answer.', tools: ['translate'] } },
  workflows: { localize: () => new DeterministicWorkflow({ name: 'localize', agents: [createAgent('localizer')] }) },
});
`;

let sb: Sandbox;
let stub: OpenAIStub;

beforeAll(async () => {
  // Inside the repository, so the project file's imports resolve.
  const root = join(REPO, 'test-artifacts');
  mkdirSync(root, { recursive: true });
  const dir = mkdtempSync(join(root, 'cli-as-tool-'));
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(base)) if (key.startsWith('AIGEN_') || key.startsWith('OPENAI_')) delete base[key];
  stub = await startOpenAIStub({ responses: () => say('from the network') });
  const store = `sqlite:${join(dir, 'as-tool.db')}`;
  sb = {
    dir, store,
    env: { ...base, AIGEN_STORE: store, OPENAI_API_KEY: 'sk-test-as-tool', OPENAI_BASE_URL: stub.baseURL },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
  writeFileSync(join(dir, 'aigen.config.ts'), CONFIG);
});
afterAll(async () => {
  await stub.close();
  sb.cleanup();
});

describe('--model offline with an agent used as a tool', { timeout: 120_000 }, () => {
  it('sends no request out of the process: the nested agent runs on the offline model, recorded in the step', async () => {
    const r = await aigen(['run', 'localize', 'Good morning, everyone', '--model', 'offline', '--json'], { sb });
    expect(r.code, r.stderr).toBe(0);
    const { runId, status } = json<{ runId: string; status: string }>(r);
    expect(status).toBe('completed');
    expect(stub.requests).toHaveLength(0);
    const events = await storedEvents(sb, runId);
    const call = events.find((e) => e.type === 'ToolCalled' && (e.data as { tool: string }).tool === 'translate');
    expect(call).toBeDefined();
    const nested = events.filter((e) => e.type === 'ModelResponded' && (e.data as { parentCallId?: string }).parentCallId === (call!.data as { callId: string }).callId);
    expect(nested.map((e) => (e.data as { model: string }).model)).toEqual(['offline']);
    const verify = await aigen(['replay', runId, '--verify', '--json'], { sb });
    expect(verify.code, verify.stderr).toBe(0);
    expect(stub.requests).toHaveLength(0);
  });
});
