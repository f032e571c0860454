import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aigen, json, REPO, type Sandbox } from './helpers.js';

/*
 * The project file with the repository's own `aigen` command (running the sources): every
 * command loads it, and its store and model are the defaults under the flags and variables.
 */

let sb: Sandbox;

const CONFIG = (store: string) => `import { defineConfig, createAgent, DeterministicWorkflow } from 'aigen';
import { tool } from '@openai/agents';
import { z } from 'zod';
const lookupPrice = tool({ name: 'lookup_price', description: 'Price of a product', parameters: z.object({ product: z.string() }), execute: async ({ product }) => \`\${product}: 42 EUR\` });
export default defineConfig({
  tools: [lookupPrice],
  agents: { pricer: { instructions: 'Look up prices with lookup_price, then answer.', tools: ['lookup_price'] } },
  workflows: { priced_article: () => new DeterministicWorkflow({ name: 'priced_article', agents: [createAgent('pricer'), createAgent('writer')] }) },
  store: ${JSON.stringify(store)},
  // Over the built-in table (where offline is free): one dollar per input token.
  prices: { offline: { inputPerMillion: 1000000, outputPerMillion: 0 } },
});
`;

beforeAll(() => {
  // Inside the repository, so the project file's imports (zod, @openai/agents) resolve.
  const root = join(REPO, 'test-artifacts');
  mkdirSync(root, { recursive: true });
  const dir = mkdtempSync(join(root, 'cli-project-'));
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('AIGEN_') || key === 'OPENAI_API_KEY') delete env[key];
  sb = { dir, store: `sqlite:${join(dir, 'config.db')}`, env, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
  writeFileSync(join(dir, 'aigen.config.ts'), CONFIG(sb.store));
  writeFileSync(join(dir, 'shop.yaml'), 'name: shop\nkind: sequential\nagents:\n  - pricer\n  - type: editor\n    tools: [lookup_price]\n');
  mkdirSync(join(dir, 'other'));
  writeFileSync(join(dir, 'other', 'gpt.config.mjs'), "export default { model: 'gpt-4.1-mini', store: 'memory:' };\n");
});
afterAll(() => sb.cleanup());

describe('the project file, from the repository checkout', { timeout: 600_000 }, () => {
  it("runs the file's workflow in the file's store, and lists it there", async () => {
    const r = await aigen(['run', 'priced_article', 'Kindle', '--json'], { sb });
    expect(r.stderr).toBe('');
    const { runId, status } = json<{ runId: string; status: string }>(r);
    expect(status).toBe('completed');
    const runs = json<Array<{ runId: string; workflow: string }>>(await aigen(['runs', '--json'], { sb }));
    expect(runs.map((x) => [x.runId, x.workflow])).toEqual([[runId, 'priced_article']]);
    // status prices the run with the project file's prices.
    const { usage, costUsd } = json<{ usage: { inputTokens: number }; costUsd: number }>(await aigen(['status', runId, '--json'], { sb }));
    expect(usage.inputTokens).toBeGreaterThan(0);
    expect(costUsd).toBe(usage.inputTokens);
    // --store and AIGEN_STORE win over the file's store.
    const flag = await aigen(['runs', '--json', '--store', `sqlite:${join(sb.dir, 'empty.db')}`], { sb });
    expect([flag.code, flag.stderr]).toEqual([2, expect.stringContaining('empty.db')]);
    const env = await aigen(['runs', '--json'], { sb, env: { AIGEN_STORE: `sqlite:${join(sb.dir, 'empty2.db')}` } });
    expect([env.code, env.stderr]).toEqual([2, expect.stringContaining('empty2.db')]);
  });

  it("validates a workflow file that uses the project file's agent type and tool", async () => {
    const ok = await aigen(['validate', 'shop.yaml', '--json'], { sb });
    expect(json(ok)).toMatchObject({ valid: true, name: 'shop', agents: ['pricer', 'editor'] });
    // With another project file, the same workflow file names unknown things.
    const bad = await aigen(['validate', 'shop.yaml', '--config', 'other/gpt.config.mjs'], { sb });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("shop.yaml:4:5: agents[0].type: unknown agent type 'pricer'");
  });

  it("uses the file's model as the default, under AIGEN_MODEL and --model (AIGEN_CONFIG picks the file)", async () => {
    const env = { AIGEN_CONFIG: join('other', 'gpt.config.mjs') };
    const needsKey = await aigen(['run', 'research', 'Tides'], { sb, env });
    expect(needsKey.code).toBe(2);
    expect(needsKey.stderr).toContain('OPENAI_API_KEY');
    expect((await aigen(['run', 'research', 'Tides', '--json'], { sb, env: { ...env, AIGEN_MODEL: 'offline' } })).code).toBe(0);
    expect((await aigen(['run', 'research', 'Tides', '--json', '--model', 'offline'], { sb, env })).code).toBe(0);
  });
});
