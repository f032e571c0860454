import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { aigen, json, REPO, sandbox, type Sandbox } from './helpers.js';

/** A writer, an approval step `publish_draft` (24 h timeout, then reject), an editor. */
const PUBLISH = readFileSync(join(REPO, 'test/fixtures/workflows/publish.yaml'), 'utf8');

describe('what waiting runs wait for, from the CLI', () => {
  let sb: Sandbox;
  afterEach(() => sb?.cleanup());

  it('a plain run that parks at an approval step says what it waits for and how to decide, and exits 0; approvals, runs --status waiting and status show it', async () => {
    sb = sandbox();
    writeFileSync(join(sb.dir, 'publish.yaml'), PUBLISH);
    const ran = await aigen(['run', 'publish.yaml', 'Announce offline mode'], { sb });
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toBe('');
    expect(ran.stderr).toMatch(/⏸ waiting for approval publish_draft: Publish this draft\? Edit it if needed\./);
    const runId = /run ([0-9a-f-]{36}) \(it holds no process while it waits\)/.exec(ran.stderr)?.[1];
    expect(runId, ran.stderr).toBeDefined();
    expect(ran.stderr).toContain(`aigen approve ${runId!.slice(0, 8)}`);
    expect(ran.stderr).toContain(`aigen reject ${runId!.slice(0, 8)} --reason`);

    const listed = await aigen(['approvals', '--json'], { sb });
    expect(listed.code, listed.stderr).toBe(0);
    const [pending, ...more] = json<Array<Record<string, unknown>>>(listed);
    expect(more).toEqual([]);
    expect(pending).toMatchObject({ runId, workflow: 'publish', kind: 'step', id: '2-publish_draft.approval', name: 'publish_draft', stepId: '2-publish_draft', prompt: 'Publish this draft? Edit it if needed.', onTimeout: 'reject' });
    expect(String(pending!.content)).toMatch(/Announce offline mode/i);
    expect(Date.parse(String(pending!.dueAt)) - Date.parse(String(pending!.since))).toBeGreaterThan(23 * 3600_000);
    const table = await aigen(['approvals'], { sb });
    expect(table.stdout).toMatch(/RUN\s+STEP\s+KIND\s+NAME\s+PROMPT\s+CONTENT\s+SINCE\s+TIMEOUT/);
    expect(table.stdout).toMatch(new RegExp(`${runId!.slice(0, 8)}\\s+2-publish_draft\\s+step\\s+publish_draft\\s+Publish this draft\\?`));

    const runs = json<Array<{ runId: string; status: string }>>(await aigen(['runs', '--status', 'waiting', '--json'], { sb }));
    expect(runs).toEqual([expect.objectContaining({ runId, status: 'waiting' })]);
    const status = json<{ status: string; waitingFor: unknown[] }>(await aigen(['status', runId!, '--json'], { sb }));
    expect(status.status).toBe('waiting');
    expect(status.waitingFor).toEqual([expect.objectContaining({ kind: 'approval', id: '2-publish_draft.approval', name: 'publish_draft', prompt: 'Publish this draft? Edit it if needed.' })]);
    const text = await aigen(['status', runId!.slice(0, 8)], { sb });
    expect(text.stdout).toMatch(/Waiting for\n\s+⏸ approval publish_draft: Publish this draft\?/);
  });

  it('approvals says so when nothing waits; run --json of a run that parks prints status waiting with waitingFor', async () => {
    sb = sandbox();
    expect((await aigen(['run', 'writer', 'Tides'], { sb })).code).toBe(0);
    const none = await aigen(['approvals'], { sb });
    expect(none.code).toBe(0);
    expect(none.stderr).toMatch(/nothing waits for a decision/);
    expect(json(await aigen(['approvals', '--json'], { sb }))).toEqual([]);
    writeFileSync(join(sb.dir, 'publish.yaml'), PUBLISH);
    const ran = await aigen(['run', 'publish.yaml', 'Tides', '--json'], { sb });
    expect(ran.code, ran.stderr).toBe(0);
    expect(json(ran)).toMatchObject({ status: 'waiting', result: null, waitingFor: [{ kind: 'approval', name: 'publish_draft' }] });
  });
});
