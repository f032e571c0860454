import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Catalog, loadProject, ProjectFileError, WorkflowEngine } from '../../../src/index.js';
import { createMemoryStore } from '../../../src/testing/index.js';
import { dataOf, runEvents } from '../../support/runs.js';

// Inside the repository, so the project files' bare imports (zod, @openai/agents) resolve.
const root = resolve(import.meta.dirname, '../../../test-artifacts');
mkdirSync(root, { recursive: true });
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(root, 'project-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const SHOP = `import { defineConfig, createAgent, DeterministicWorkflow } from 'aigen';
import { tool } from '@openai/agents';
import { z } from 'zod';
import { greeting } from './helper.ts';
const lookupPrice = tool({ name: 'lookup_price', description: 'Price of a product', parameters: z.object({ product: z.string() }), execute: async ({ product }) => \`\${product}: 42 EUR\` });
const n: number = 1;
export default defineConfig({
  tools: [lookupPrice],
  agents: { pricer: { instructions: greeting + ' Look up prices with lookup_price, then answer.', tools: ['lookup_price'] } },
  workflows: {
    priced_article: () => new DeterministicWorkflow({ name: 'priced_article', agents: [createAgent('pricer'), createAgent('writer')] }),
    from_file: './pair.yaml',
  },
  store: 'memory:',
  model: 'offline',
  prices: { 'my-model': { inputPerMillion: 0.5, outputPerMillion: 1.5 } },
});
`;

describe('the project file', () => {
  it('loads aigen.config.ts (with a local TypeScript import) into the catalog; `aigen` in it is this copy', async () => {
    const dir = project({
      'aigen.config.ts': SHOP,
      'helper.ts': "export const greeting: string = 'Be brief.';\n",
      'pair.yaml': 'name: pair\nkind: sequential\nagents: [pricer, editor]\n',
    });
    const catalog = new Catalog();
    const { file, config } = await loadProject({ cwd: dir, catalog });
    expect(file).toBe(join(dir, 'aigen.config.ts'));
    expect(config).toMatchObject({ store: 'memory:', model: 'offline', prices: { 'my-model': { inputPerMillion: 0.5 } } });
    expect(catalog.listWorkflows().map((w) => w.name)).toEqual(expect.arrayContaining(['priced_article', 'from_file']));
    expect(catalog.createAgent('pricer').instructions).toBe('Be brief. Look up prices with lookup_price, then answer.');
    // A workflow file named by the project file resolves its agent types in the same catalog.
    expect(catalog.createWorkflow('from_file').agents().map((a) => a.agentId)).toEqual(['pricer', 'editor']);
    // No compiled leftovers beside the project file.
    expect(readdirSync(dir).sort()).toEqual(['aigen.config.ts', 'helper.ts', 'pair.yaml']);

    const store = createMemoryStore();
    const engine = new WorkflowEngine({ store, catalog });
    const result = await engine.execute(catalog.createWorkflow('priced_article'), undefined, 'Kindle');
    expect(result.status).toBe('completed');
    expect(dataOf(await runEvents(store, result.runId), 'ToolReturned').map((t) => t.output)).toEqual(['Kindle: 42 EUR']);
  });

  it('finds .mjs files and --config paths; no project file leaves the catalog as it was', async () => {
    const dir = project({ 'aigen.config.mjs': "export default { model: 'offline' };\n", 'other.js': "export default { store: 'memory:' };\n" });
    expect((await loadProject({ cwd: dir, catalog: new Catalog() })).config).toEqual({ model: 'offline' });
    expect((await loadProject({ cwd: dir, config: 'other.js', catalog: new Catalog() })).config).toEqual({ store: 'memory:' });
    const empty = project({});
    const catalog = new Catalog();
    expect(await loadProject({ cwd: empty, catalog })).toEqual({ file: undefined, config: {}, catalog });
    await expect(loadProject({ cwd: empty, config: 'missing.ts' })).rejects.toThrow('missing.ts: project file not found');
  });

  it.each([
    ['a syntax error', 'const a = {;\nexport default a;\n', 'aigen.config.ts:1:12: syntax error: Expected identifier but found ";"'],
    ['a throw', "const n: number = 2;\n\nthrow new Error('no API key here');\nexport default {};\n", 'aigen.config.ts:3:7: threw while loading: no API key here'],
    ['no default export', 'export const x = 1;\n', 'aigen.config.ts: has no default export'],
    ['a misspelt key', "export default { modle: 'offline' };\n", "aigen.config.ts: (the default export): unknown key 'modle' — did you mean 'model'?"],
    ['a misspelt agent field', "export default { agents: { pricer: { instructions: 'x', tols: [] } } };\n", "aigen.config.ts: agents.pricer: unknown key 'tols' — did you mean 'tools'?"],
    ['an unknown key', "export default { colour: 'red' };\n", "aigen.config.ts: (the default export): unknown key 'colour' (allowed: agents, tools, workflows, store, model, prices)"],
    ['a wrong field', 'export default { agents: { pricer: { instructions: 1 } } };\n', 'aigen.config.ts: agents.pricer.instructions: expected string, got 1'],
    ['a tool that is not a tool', "export default { tools: ['lookup_price'] };\n", 'aigen.config.ts: tools[0]: expected a function tool'],
    ['an agent without instructions', 'export default { agents: { pricer: { tools: [] } } };\n', 'aigen.config.ts: agents.pricer.instructions: required field missing'],
  ])('rejects %s with a ProjectFileError naming the file', async (_what, text, message) => {
    const dir = project({ 'aigen.config.ts': text });
    const err = await loadProject({ cwd: dir, catalog: new Catalog() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProjectFileError);
    expect((err as ProjectFileError).code).toBe('INVALID_PROJECT_FILE');
    expect((err as Error).message).toContain(message);
    expect((err as Error).message).not.toContain('timestamp');
  });
});
