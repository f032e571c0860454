import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aigen, json, oneLineError, projectSandbox, storedEvents, type Sandbox } from './helpers.js';

/* `aigen run --run-context` and `aigen fork --run-context`, with a project file whose tool reads the SDK run context. */

let sb: Sandbox;

const CONFIG = (store: string) => `import { defineConfig } from 'aigen';
import { tool } from '@openai/agents';
import { z } from 'zod';
const whoAmI = tool({ name: 'who_am_i', description: 'The user of this conversation', parameters: z.object({}), execute: async (_args, runContext) => \`User \${runContext?.context?.user}\` });
export default defineConfig({
  tools: [whoAmI],
  agents: { greeter: { instructions: 'Find out who the user is with who_am_i, then greet them.', tools: ['who_am_i'] } },
  store: ${JSON.stringify(store)},
});
`;

beforeAll(() => {
  sb = projectSandbox('cli-run-context', CONFIG);
  const dir = sb.dir;
  writeFileSync(join(dir, 'context.json'), JSON.stringify({ user: 'bo', token: 'tok-secret-12345' }));
  writeFileSync(join(dir, 'broken.json'), '{ user: bo');
});
afterAll(() => sb.cleanup());

type Ev = { type: string; data: Record<string, unknown> };
const toolOutputs = (events: Ev[]) => events.filter((e) => e.type === 'ToolReturned').map((e) => e.data.output);

describe('aigen run --run-context', { timeout: 600_000 }, () => {
  it('gives the tool the run context, records it in RunStarted, and a fork takes a new one', async () => {
    const r = await aigen(['run', 'greeter', 'Hello', '--run-context', '{"user":"ann"}', '--json'], { sb });
    expect(r.code).toBe(0);
    const { runId, status } = json<{ runId: string; status: string }>(r);
    expect(status).toBe('completed');
    const events = (await storedEvents(sb, runId)) as unknown as Ev[];
    expect(events[0]!.data.runContext).toEqual({ user: 'ann' });
    expect(toolOutputs(events)).toEqual(['User ann']);
    expect((await aigen(['replay', runId, '--verify'], { sb })).code).toBe(0);

    const f = await aigen(['fork', runId, '--at', '0', '--run-context', '{"user":"cy"}', '--json'], { sb });
    expect(f.code).toBe(0);
    const fork = json<{ runId: string; status: string }>(f);
    expect(fork.status).toBe('completed');
    expect(toolOutputs((await storedEvents(sb, fork.runId)) as unknown as Ev[])).toEqual(['User cy']);
  });

  it('reads @file, and records its secret fields scrubbed', async () => {
    const r = await aigen(['run', 'greeter', 'Hello', '--run-context', '@context.json', '--json'], { sb });
    expect(r.code).toBe(0);
    const { runId } = json<{ runId: string }>(r);
    const events = (await storedEvents(sb, runId)) as unknown as Ev[];
    expect(events[0]!.data.runContext).toEqual({ user: 'bo', token: '[redacted]' });
    expect(toolOutputs(events)).toEqual(['User bo']);
    expect(JSON.stringify(events)).not.toContain('tok-secret-12345');
  });

  it('refuses a value that is not a JSON object with exit 2 naming the flag, and starts no run', async () => {
    for (const bad of ['{user:ann}', '"ann"', '@broken.json', '@missing.json']) {
      const r = await aigen(['run', 'greeter', 'Hello', '--run-context', bad], { sb });
      expect(r.code).toBe(2);
      expect(oneLineError(r)).toContain(bad.startsWith('@missing') ? 'missing.json' : '--run-context');
    }
    const runs = json<unknown[]>(await aigen(['runs', '--json'], { sb }));
    expect(runs).toHaveLength(3);
  });
});
