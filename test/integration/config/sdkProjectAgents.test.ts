import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Catalog, loadProject, ProjectFileError, UnhonouredFieldError, WorkflowEngine } from '../../../src/index.js';
import { createMemoryStore } from '../../../src/testing/index.js';

// Inside the repository, so the project files' bare imports (zod, @openai/agents) resolve.
const root = resolve(import.meta.dirname, '../../../test-artifacts');
mkdirSync(root, { recursive: true });
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function project(text: string): string {
  const dir = mkdtempSync(join(root, 'sdk-project-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'aigen.config.ts'), text);
  return dir;
}

const AGENTS = `import { defineConfig, createAgent, DeterministicWorkflow } from 'aigen';
import { Agent, shellTool } from '@openai/agents';
import { z } from 'zod';
const Verdict = z.object({ verdict: z.enum(['yes', 'no']), why: z.string() });
export default defineConfig({
  agents: {
    // The data form: outputType as a zod schema, modelSettings.
    judge: { instructions: 'Answer yes or no, and why.', outputType: Verdict, modelSettings: { temperature: 0 } },
    // A factory may return an SDK Agent: its id is the type.
    poet: () => new Agent({ name: 'Poet of the house', instructions: 'Write a haiku.' }),
    // A factory whose agent has a tool aigen cannot record is refused when it is built.
    ops: () => new Agent({ name: 'Ops', instructions: 'Run it.', tools: [shellTool({ name: 'run_shell', shell: { run: async () => ({ output: [] }) } })] }),
  },
  workflows: { verdict: () => new DeterministicWorkflow({ name: 'verdict', agents: [createAgent('poet'), createAgent('judge')] }) },
});
`;

describe('SDK Agents and structured output in the project file', () => {
  it('runs the data form with outputType (the result is the parsed object) after an SDK Agent a factory returned', async () => {
    const catalog = new Catalog();
    await loadProject({ cwd: project(AGENTS), catalog });
    expect(catalog.createAgent('poet').agentId).toBe('poet');
    expect(catalog.createAgent('judge').modelSettings).toEqual({ temperature: 0 });
    const engine = new WorkflowEngine({ store: createMemoryStore(), catalog });
    const result = await engine.execute(catalog.createWorkflow('verdict'), undefined, 'Is the sea salty?');
    expect(result.status).toBe('completed');
    expect(result.result).toEqual({ verdict: expect.stringMatching(/^(yes|no)$/), why: expect.any(String) });
  });

  it('refuses, naming the field, the agent of a factory with a tool aigen cannot record', async () => {
    const catalog = new Catalog();
    await loadProject({ cwd: project(AGENTS), catalog });
    const err = (() => {
      try {
        return catalog.createAgent('ops');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(UnhonouredFieldError);
    expect(err).toMatchObject({ code: 'FIELD_NOT_HONOURED', field: 'tools[0]' });
  });

  it('refuses an SDK Agent in agents with such a tool when the file loads, naming the field', async () => {
    const dir = project(`import { Agent, shellTool } from '@openai/agents';
export default { agents: { ops: new Agent({ name: 'Ops', tools: [shellTool({ name: 'run_shell', shell: { run: async () => ({ output: [] }) } })] }) } };
`);
    const err = await loadProject({ cwd: dir, catalog: new Catalog() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProjectFileError);
    expect((err as Error).message).toContain("aigen.config.ts: agents.ops.tools[0]: 'run_shell' cannot be honoured");
  });

  it('accepts an SDK Agent in agents where it once listed its internals', async () => {
    const dir = project(`import { Agent } from '@openai/agents';
export default { agents: { weather: new Agent({ name: 'Weather', instructions: 'Tell the weather.' }) } };
`);
    const catalog = new Catalog();
    await loadProject({ cwd: dir, catalog });
    expect(catalog.createAgent('weather')).toMatchObject({ agentId: 'weather', type: 'weather', instructions: 'Tell the weather.' });
    expect(catalog.listAgentTypes().find((t) => t.type === 'weather')?.description).toContain('Weather');
  });
});
