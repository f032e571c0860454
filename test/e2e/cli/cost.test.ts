import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { say } from '../../../src/testing/scriptedModel.js';
import { startOpenAIStub, type OpenAIStub } from '../../support/openaiStub.js';
import { aigen, json, REPO, start, waitForLine, type Sandbox } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const PRICED = 'stub-priced';
const UNPRICED = 'stub-unpriced';
const PRICE = { inputPerMillion: 3, outputPerMillion: 15 };
/** Every model call of the stub reports this usage. */
const USAGE = { inputTokens: 1000, outputTokens: 200 };

const CONFIG = `import { defineConfig } from 'aigen';
export default defineConfig({ prices: { ${JSON.stringify(PRICED)}: ${JSON.stringify(PRICE)} } });
`;

interface Status {
  runId: string;
  usage: { requests: number; inputTokens: number; outputTokens: number };
  costUsd: number | null;
  cost: { byAgent: Record<string, { costUsd: number | null }>; byModel: Record<string, { costUsd: number | null; usage: { inputTokens: number } }>; unpriced: string[] };
  steps: Array<{ agentId: string; costUsd: number | null; usage: { inputTokens: number; outputTokens: number } }>;
}

let sb: Sandbox;
let stub: OpenAIStub;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  // Inside the repository, so the project file's `import … from 'aigen'` resolves.
  const root = join(REPO, 'test-artifacts');
  mkdirSync(root, { recursive: true });
  const dir = mkdtempSync(join(root, 'cli-cost-'));
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(base)) if (key.startsWith('AIGEN_') || key.startsWith('OPENAI_') || key.startsWith('OTEL_')) delete base[key];
  sb = { dir, store: `sqlite:${join(dir, 'cost.db')}`, env: { ...base, AIGEN_STORE: `sqlite:${join(dir, 'cost.db')}` }, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
  writeFileSync(join(dir, 'aigen.config.ts'), CONFIG);
  stub = await startOpenAIStub({ responses: () => say('A short, complete answer.', USAGE) });
  env = { OPENAI_API_KEY: 'sk-test-cost', OPENAI_BASE_URL: stub.baseURL };
});
afterAll(async () => {
  await stub.close();
  sb.cleanup();
});

const expectedCost = (input: number, output: number) => (input * PRICE.inputPerMillion + output * PRICE.outputPerMillion) / 1_000_000;

describe('cost from the project file prices', { timeout: 240_000 }, () => {
  let runId: string;
  let status: Status;

  it('status --json: costUsd of the run, each step, agent and model equals tokens × prices', async () => {
    const r = await aigen(['run', 'content_generation', 'Price this', '--model', PRICED, '--json'], { sb, env });
    expect(r.code, r.stderr).toBe(0);
    runId = json<{ runId: string }>(r).runId;
    status = json<Status>(await aigen(['status', runId, '--json'], { sb }));
    expect(status.usage.inputTokens).toBe(status.usage.requests * USAGE.inputTokens);
    expect(status.usage.requests).toBeGreaterThanOrEqual(3);
    expect(status.costUsd).toBeCloseTo(expectedCost(status.usage.inputTokens, status.usage.outputTokens), 12);
    expect(status.costUsd).toBeCloseTo(status.usage.requests * expectedCost(USAGE.inputTokens, USAGE.outputTokens), 12);
    for (const step of status.steps) expect(step.costUsd).toBeCloseTo(expectedCost(step.usage.inputTokens, step.usage.outputTokens), 12);
    expect(Object.keys(status.cost.byAgent).sort()).toEqual(['editor', 'research', 'writer']);
    expect(status.cost.byModel[PRICED]?.costUsd).toBeCloseTo(status.costUsd!, 12);
    expect(status.cost.unpriced).toEqual([]);

    const runs = json<Array<{ runId: string; costUsd: number | null }>>(await aigen(['runs', '--json'], { sb }));
    expect(runs.find((x) => x.runId === runId)?.costUsd).toBeCloseTo(status.costUsd!, 12);
    const trace = json<{ root: { attributes: { costUsd: number } } }>(await aigen(['trace', runId, '--json'], { sb }));
    expect(trace.root.attributes.costUsd).toBeCloseTo(status.costUsd!, 12);
  });

  it('a model without a price shows its tokens and "no price", never a cost', async () => {
    const r = await aigen(['run', 'content_generation', 'No price here', '--model', UNPRICED, '--json'], { sb, env });
    expect(r.code, r.stderr).toBe(0);
    const id = json<{ runId: string }>(r).runId;
    const st = json<Status>(await aigen(['status', id, '--json'], { sb }));
    expect(st.usage.inputTokens).toBeGreaterThan(0);
    expect(st.costUsd).toBeNull();
    expect(st.cost.unpriced).toEqual([UNPRICED]);
    const text = await aigen(['status', id], { sb, env: { NO_COLOR: '1' } });
    expect(text.stdout).toMatch(/cost\s+no price \(stub-unpriced\)/);
    expect(text.stdout).not.toContain('$');
  });

  it.skipIf(!existsSync(CHROMIUM))('the UI shows the cost in the runs list, the run header and the trace waterfall', async () => {
    const server = start(['serve', '--port', '0', '--json'], { sb });
    let browser: Browser | undefined;
    try {
      const url = (await waitForLine(server.stdout, /"url":"([^"]+)"/, 90_000))[1]!;
      const shown = `$${status.costUsd!.toFixed(4)}`;
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
      const page = await browser.newPage();
      await page.goto(url);
      await expect.poll(() => page.locator(`tr[data-run-id="${runId}"] [data-testid="run-cost"]`).textContent(), { timeout: 60_000 }).toBe(shown);
      await page.goto(`${url}/runs/${runId}`);
      await expect.poll(() => page.getByTestId('run-cost').textContent(), { timeout: 60_000 }).toBe(shown);
      await expect.poll(async () => (await page.getByTestId('span-cost').allTextContents()).includes(shown), { timeout: 60_000 }).toBe(true);
    } finally {
      await browser?.close();
      server.kill('SIGTERM');
    }
  });
});
