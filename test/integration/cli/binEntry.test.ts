import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const REPO = resolve(import.meta.dirname, '../../..');

/**
 * A copy of bin/aigen.js in a package layout of its own, whose src/ and dist/ entry points only
 * say which of them ran.
 */
function layout(files: { src?: string[]; dist?: string[] }) {
  const dir = mkdtempSync(join(tmpdir(), 'aigen-bin-'));
  mkdirSync(join(dir, 'bin'));
  copyFileSync(join(REPO, 'bin/aigen.js'), join(dir, 'bin/aigen.js'));
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'));
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }');
  writeFileSync(join(dir, 'tsconfig.json'), '{ "compilerOptions": { "module": "nodenext", "strict": true } }');
  const write = (path: string, text: string, mtimeSec: number) => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
    utimesSync(join(dir, path), mtimeSec, mtimeSec);
  };
  const main = (which: string) => `export async function main(): Promise<void> { process.stdout.write('${which}'); }\n`;
  for (const path of files.src ?? []) write(`src/${path}`, path === 'cli/main.ts' ? main('src') : 'export const x: number = 1;\n', 1_000);
  for (const path of files.dist ?? []) write(`dist/${path}`, path === 'cli/main.js' ? main('dist').replace(': Promise<void>', '') : 'export const x = 1;\n', 2_000);
  return {
    dir,
    touch: (path: string, mtimeSec: number) => utimesSync(join(dir, path), mtimeSec, mtimeSec),
    run: () => spawnSync(process.execPath, [join(dir, 'bin/aigen.js')], { encoding: 'utf8' }),
  };
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const make = (files: { src?: string[]; dist?: string[] }) => {
  const l = layout(files);
  dirs.push(l.dir);
  return l;
};

describe('bin/aigen.js chooses what it runs', () => {
  it('runs the compiled dist/ when every source file has a compiled file at least as new', () => {
    const l = make({ src: ['cli/main.ts', 'store/a.ts'], dist: ['cli/main.js', 'store/a.js'] });
    expect(l.run().stdout).toBe('dist');
  });

  it('runs the sources once any source file is newer than its compiled file', () => {
    const l = make({ src: ['cli/main.ts', 'store/a.ts'], dist: ['cli/main.js', 'store/a.js'] });
    l.touch('src/store/a.ts', 3_000);
    expect(l.run().stdout).toBe('src');
  });

  it('runs the sources when a source file has no compiled file', () => {
    const l = make({ src: ['cli/main.ts', 'store/a.ts', 'store/new.ts'], dist: ['cli/main.js', 'store/a.js'] });
    expect(l.run().stdout).toBe('src');
  });

  it('runs dist/ in an installed package, which has no sources', () => {
    const l = make({ dist: ['cli/main.js'] });
    expect(l.run().stdout).toBe('dist');
  });

  it('runs the sources of a checkout that was never built', () => {
    const l = make({ src: ['cli/main.ts'] });
    expect(l.run().stdout).toBe('src');
  });
});
