import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aigen, json, projectSandbox, REPO, storedEvents, type Result, type Sandbox } from './helpers.js';

/*
 * A user's own tools on the offline model, through the `aigen` binary: the repository's project
 * example (examples/project) and a project file with a weather tool and a refund tool that needs
 * approval. The calls' arguments come from the request; the answers quote the results, and a
 * rejected call is a plain sentence.
 */

const CONFIG = (store: string) => `import { defineConfig } from 'aigen';
import { tool } from '@openai/agents';
import { z } from 'zod';
const getWeather = tool({
  name: 'get_weather',
  description: 'The weather in a city',
  parameters: z.object({ city: z.string(), unit: z.enum(['celsius', 'fahrenheit']) }),
  execute: async ({ city, unit }) => \`\${city}: sunny, \${unit === 'fahrenheit' ? '70 °F' : '21 °C'}\`,
});
const refund = tool({
  name: 'refund',
  description: 'Refund an order',
  parameters: z.object({ orderId: z.string(), amount: z.number() }),
  needsApproval: true,
  execute: async ({ orderId, amount }) => \`Refunded \${amount} on \${orderId}\`,
});
export default defineConfig({
  tools: [getWeather, refund],
  agents: {
    weather: { instructions: 'Answer weather questions with get_weather, in one paragraph.', tools: ['get_weather'] },
    orders: { instructions: 'Help customers with their orders.', tools: ['refund'] },
  },
  store: ${JSON.stringify(store)},
});
`;

interface RunOut {
  runId: string;
  status: string;
  result: string;
}

const ok = (r: Result): Result => {
  expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
  return r;
};

const toolCalls = async (sb: Sandbox, runId: string) =>
  (await storedEvents(sb, runId)).filter((e) => e.type === 'ToolCalled').map((e) => {
    const data = e.data as { tool: string; arguments: string };
    return [data.tool, JSON.parse(data.arguments) as unknown];
  });

describe('user tools on the offline model, from the CLI', { timeout: 600_000 }, () => {
  let example: Sandbox;
  let project: Sandbox;
  beforeAll(() => {
    // The example's own directory, with a store of the test's own.
    const dir = mkdtempSync(join(tmpdir(), 'aigen-user-tools-'));
    const store = `sqlite:${join(dir, 'aigen.db')}`;
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const key of Object.keys(env)) if (key.startsWith('AIGEN_') || key.startsWith('OPENAI_')) delete env[key];
    env.AIGEN_STORE = store;
    example = { dir: join(REPO, 'examples', 'project'), store, env, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
    project = projectSandbox('cli-user-tools', CONFIG);
  });
  afterAll(() => {
    example.cleanup();
    project.cleanup();
  });

  it('examples/project priced_article: lookup_price gets the product named in the question, and the article quotes its price', async () => {
    const run = json<RunOut>(ok(await aigen(['run', 'priced_article', 'How much is the Kindle?', '--json'], { sb: example })));
    expect(run.status).toBe('completed');
    expect(await toolCalls(example, run.runId)).toEqual([['lookup_price', { product: 'Kindle' }]]);
    expect(run.result).toContain('Short answer: The `lookup_price` tool (product: Kindle) returned: Kindle: 42 EUR.');
  });

  it('get_weather: the city and the unit the request names; "one paragraph" keeps the result', async () => {
    const run = json<RunOut>(ok(await aigen(['run', 'weather', "What's the weather in Lisbon, in Fahrenheit?", '--json'], { sb: project })));
    expect(await toolCalls(project, run.runId)).toEqual([['get_weather', { city: 'Lisbon', unit: 'fahrenheit' }]]);
    expect(run.result).toBe('The `get_weather` tool (city: Lisbon, unit: fahrenheit) returned: Lisbon: sunny, 70 °F.');
  });

  it('refund waits for approval with the order and amount; rejected, the answer is a plain sentence with the reason', async () => {
    const parked = json<RunOut & { waitingFor: unknown[] }>(ok(await aigen(['run', 'orders', 'Please refund order #A1042, $40: it arrived broken', '--json'], { sb: project })));
    expect(parked).toMatchObject({ status: 'waiting', waitingFor: [expect.objectContaining({ kind: 'approval', name: 'refund', content: { orderId: 'A1042', amount: 40 } })] });
    const rejected = json<{ status: string; result: string; decision: string }>(
      ok(await aigen(['reject', parked.runId, '--reason', 'no receipt on file', '--as', 'bob', '--json'], { sb: project })),
    );
    expect(rejected).toMatchObject({ status: 'completed', decision: 'reject' });
    expect(rejected.result).toBe('The call to `refund` was rejected by bob: no receipt on file, so the tool did not run.');
    expect(await toolCalls(project, parked.runId)).toEqual([]);
    ok(await aigen(['replay', parked.runId, '--verify'], { sb: project }));
  });
});
