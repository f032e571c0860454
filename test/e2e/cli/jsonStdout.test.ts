import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aigen, json, jsonLines, lines, projectSandbox, type Sandbox } from './helpers.js';

/*
 * A project file whose code writes to stdout: at load time, and from a tool the offline model
 * calls (an agent with a function tool calls it first). With --json, stdout stays the JSON.
 */

let sb: Sandbox;

const CONFIG = (store: string) => `import { defineConfig } from 'aigen';
import { tool } from '@openai/agents';
import { z } from 'zod';
console.log('project file says hello');
const noisyLookup = tool({
  name: 'noisy_lookup',
  description: 'Looks a topic up, chattily',
  parameters: z.object({ topic: z.string() }),
  execute: async ({ topic }) => {
    console.log('console.log from noisy_lookup');
    console.info({ looking: 'up' });
    process.stdout.write('process.stdout.write from noisy_lookup\\n');
    process.stdout.write(Buffer.from('a Buffer from noisy_lookup\\n'));
    return \`\${topic}: 42\`;
  },
});
export default defineConfig({
  tools: [noisyLookup],
  agents: { looker: { instructions: 'Look the topic up with noisy_lookup, then answer.', tools: ['noisy_lookup'] } },
  store: ${JSON.stringify(store)},
});
`;

const TOOL_TEXT = ['console.log from noisy_lookup', "{ looking: 'up' }", 'process.stdout.write from noisy_lookup', 'a Buffer from noisy_lookup'];

beforeAll(() => {
  sb = projectSandbox('cli-json-stdout', CONFIG);
});
afterAll(() => sb.cleanup());

describe('--json keeps stdout to the JSON when user code writes to stdout', { timeout: 600_000 }, () => {
  it("run --json: stdout is exactly one JSON object; the tool's console.log and process.stdout.write are on stderr", async () => {
    const r = await aigen(['run', 'looker', 'Tides', '--json'], { sb });
    expect(r.code, r.stderr).toBe(0);
    const out = json<{ runId: string; status: string; result: string }>(r);
    expect(out.status).toBe('completed');
    expect(out.result).toContain('Tides: 42');
    for (const text of ['project file says hello', ...TOOL_TEXT]) {
      expect(r.stdout).not.toContain(text);
      expect(r.stderr).toContain(text);
    }
    // The tool ran once, during the run, after the project file loaded.
    expect(r.stderr.indexOf('project file says hello')).toBeLessThan(r.stderr.indexOf('console.log from noisy_lookup'));
    expect(lines(r.stderr).filter((l) => l === 'console.log from noisy_lookup')).toHaveLength(1);

    // Every other command with --json: status (one object), events (JSON lines).
    const status = await aigen(['status', out.runId, '--json'], { sb });
    expect(json<{ status: string }>(status).status).toBe('completed');
    expect(status.stderr).toContain('project file says hello');
    const events = await aigen(['events', out.runId, '--json'], { sb });
    expect(jsonLines(events.stdout).map((e) => e.type)).toContain('ToolReturned');
    expect(events.stderr).toContain('project file says hello');
  });

  it('without --json the same writes stay on stdout', async () => {
    const r = await aigen(['run', 'looker', 'Tides'], { sb });
    expect(r.code, r.stderr).toBe(0);
    for (const text of ['project file says hello', ...TOOL_TEXT]) expect(r.stdout).toContain(text);
    expect(r.stdout).toContain('Tides: 42');
  });
});
