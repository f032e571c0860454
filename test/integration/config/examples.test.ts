import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createWorkflow, loadWorkflowFile, WorkflowEngine } from '../../../src/index.js';
import { createMemoryStore } from '../../../src/testing/index.js';
import { dataOf, runEvents } from '../../support/runs.js';

const root = 'examples/workflows';
const files = readdirSync(root, { recursive: true, encoding: 'utf8' })
  .filter((f) => /\.(ya?ml|json)$/.test(f))
  .map((f) => join(root, f))
  .sort();

describe('example workflow files', () => {
  it('include at least one file per pattern, plus nesting', () => {
    const kinds = new Set(files.map((f) => loadWorkflowFile(f).kind));
    expect([...kinds].sort()).toEqual(['branching', 'handoff', 'loop', 'parallel', 'sequential']);
    expect(files).toContain(join(root, 'nested.yaml'));
  });

  it('each start with a comment header', () => {
    for (const f of files) expect(readFileSync(f, 'utf8').startsWith('#'), f).toBe(true);
  });

  it.each(files)('%s runs offline to completed', async (file) => {
    const store = createMemoryStore();
    try {
      const engine = new WorkflowEngine({ store, retryDelayMs: 10, model: 'offline' });
      const workflow = createWorkflow(file);
      const result = await engine.execute(workflow, undefined, 'Explain how TCP congestion control works');
      expect(result.status, JSON.stringify(result)).toBe('completed');
      expect(typeof result.result === 'string' && result.result.length > 0).toBe(true);
      const events = await runEvents(store, result.runId);
      expect(events[0]!.type).toBe('RunStarted');
      expect(events.at(-1)!.type).toBe('RunCompleted');
      expect(dataOf<{ workflow: { name: string; kind: string } }>(events, 'RunStarted')[0]!.workflow).toMatchObject({ name: workflow.name, kind: workflow.kind });
      if (workflow.kind === 'branching') expect(dataOf(events, 'BranchTaken')).toHaveLength(1);
      if (workflow.kind === 'handoff') expect(dataOf(events, 'HandoffRequested').length).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
  });
});

describe('example programs', () => {
  it("docs/library.md's snippets are copied from examples/workflow-kinds.ts, so they typecheck and run", () => {
    const example = readFileSync('examples/workflow-kinds.ts', 'utf8');
    const snippets = [...readFileSync('docs/library.md', 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(snippets).toHaveLength(5);
    for (const line of snippets.flatMap((b) => b.split('\n')).filter((l) => l.trim())) expect(example).toContain(line);
  });

  it('examples/workflow-kinds.ts builds one workflow of each kind in code and runs each offline to completed', { timeout: 120_000 }, async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'examples/workflow-kinds.ts'], { env: { ...process.env, OPENAI_API_KEY: '' } });
    const runs = stdout.trim().split('\n').map((line) => /^(\w+) (\w+): (\w+) \((\d+) characters\)$/.exec(line)?.slice(1, 4));
    expect(runs).toEqual([
      ['sequential', 'article', 'completed'],
      ['handoff', 'desk', 'completed'],
      ['branching', 'router', 'completed'],
      ['parallel', 'perspectives', 'completed'],
      ['loop', 'polished', 'completed'],
    ]);
  });
});
