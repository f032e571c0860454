import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aigen, oneLineError, sandbox, type Sandbox } from './helpers.js';

// Hostile workflow files are located user errors (exit 2), never a crash or a memory blow-up.
let sb: Sandbox;
beforeAll(() => {
  sb = sandbox();
  const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 9; i++) {
    const prev = String.fromCharCode(96 + i);
    const name = String.fromCharCode(97 + i);
    levels.push(`${name}: &${name} [*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev}]`);
  }
  writeFileSync(join(sb.dir, 'bomb.yaml'), `name: bomb\nkind: sequential\nagents: [writer]\n${levels.join('\n')}\n`);
  // 50 MB of comments after a valid header.
  const fd = openSync(join(sb.dir, 'huge.yaml'), 'w');
  writeSync(fd, 'name: huge\nkind: sequential\nagents: [writer]\n');
  const chunk = `# ${'x'.repeat(1022)}\n`.repeat(1024);
  for (let i = 0; i < 50; i++) writeSync(fd, chunk);
  closeSync(fd);
});
afterAll(() => sb.cleanup());

describe('workflow file limits', { timeout: 120_000 }, () => {
  it('an alias bomb is a located error (exit 2)', async () => {
    for (const args of [['validate', 'bomb.yaml'], ['run', 'bomb.yaml', 'x']]) {
      const r = await aigen(args, { sb });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/bomb\.yaml:\d+:\d+: .*aliases expand too much/);
      expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    }
  });

  it('a 50 MB file is refused before it is read (exit 2)', async () => {
    const r = await aigen(['run', 'huge.yaml', 'x'], { sb });
    expect(r.code, r.stderr).toBe(2);
    expect(oneLineError(r)).toMatch(/huge\.yaml:1:1: file is 5\d{7} bytes; workflow files are limited to 1048576 bytes/);
  });
});
