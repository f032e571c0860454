import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentSchema, modelSettingsSchema, stepSchema, workflowFileSchema, workflowKinds } from '../../../src/config/index.js';
import { aigen, json, REPO, sandbox, storedEvents, type Sandbox } from './helpers.js';

// docs/workflows.md: every key of the workflow file schema is documented, and every file it shows
// validates and runs.
let sb: Sandbox;
const doc = readFileSync(join(REPO, 'docs', 'workflows.md'), 'utf8');

interface DocFile {
  name: string;
  text: string;
  input: string | undefined;
}

const files: DocFile[] = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => {
  const text = m[1]!;
  const name = /^# (\S+\.ya?ml) — /.exec(text)?.[1];
  if (!name) throw new Error(`a yaml block of docs/workflows.md does not start with '# <file>.yaml — …':\n${text}`);
  const input = new RegExp(`^#\\s+npx aigen run ${name.replace('.', '\\.')} "([^"]+)"$`, 'm').exec(text)?.[1];
  return { name, text, input };
});

beforeAll(() => {
  sb = sandbox();
  for (const f of files) {
    mkdirSync(dirname(join(sb.dir, f.name)), { recursive: true });
    writeFileSync(join(sb.dir, f.name), f.text);
  }
});
afterAll(() => sb.cleanup());

/** The keys of a zod object schema, seen through preprocess and union wrappers. */
function keysOf(schema: unknown): string[] {
  const def = (schema as { _zod: { def: { out?: unknown; options?: unknown[] } } })._zod.def;
  if (def.out) return keysOf(def.out);
  if (def.options) return def.options.flatMap(keysOf);
  return Object.keys((schema as { shape: object }).shape);
}

describe('docs/workflows.md', () => {
  it('shows a file of every kind, one with a file include, and runs most of them', () => {
    const kinds = files.map((f) => /^kind: (\w+)$/m.exec(f.text)?.[1]);
    expect(new Set(kinds)).toEqual(new Set(workflowKinds));
    expect(files.some((f) => /^\s*- file: /m.test(f.text))).toBe(true);
    expect(files.filter((f) => f.input).length).toBeGreaterThanOrEqual(workflowKinds.length);
  });

  it('names every key a workflow file may have', () => {
    const keys = new Set([...keysOf(workflowFileSchema), ...keysOf(stepSchema), ...keysOf(agentSchema), ...keysOf(modelSettingsSchema), 'keywords', 'default', 'contentType', 'approve', 'reject']);
    keys.delete('~step');
    const missing = [...keys].filter((k) => !doc.includes(`\`${k}\``));
    expect(missing).toEqual([]);
    for (const kind of workflowKinds) expect(doc).toMatch(new RegExp(`^## ${kind}$`, 'im'));
  });

  it.each(files.map((f) => [f.name, f] as const))('%s validates', async (_name, f) => {
    const r = await aigen(['validate', f.name], { sb });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('✓');
  });

  it.each(files.filter((f) => f.input).map((f) => [f.name, f] as const))('%s runs to completed', async (_name, f) => {
    const r = await aigen(['run', f.name, f.input!, '--json'], { sb });
    expect(r.code, r.stderr).toBe(0);
    expect(json<{ status: string }>(r).status).toBe('completed');
  });

  it("a file's retry applies to its runs: two retries, not the default three", async () => {
    // The first three calls of writer agents fail: with retry.maxRetries 2 the writer step fails
    // (the run ends partial, with the research as its best result).
    const r = await aigen(['run', 'article.yaml', 'Retries as written', '--json'], { sb, env: { AIGEN_OFFLINE_FAIL: 'writer:3' } });
    const out = json<{ runId: string; status: string }>(r);
    expect(out.status).toBe('partial');
    const failures = (await storedEvents(sb, out.runId)).filter((e) => e.type === 'StepFailed').map((e) => e.data as { attempt: number; willRetry: boolean; retryInMs?: number });
    expect(failures.map((f) => [f.attempt, f.willRetry, f.retryInMs])).toEqual([
      [1, true, 500],
      [2, true, 1000],
      [3, false, undefined],
    ]);
  });
});
