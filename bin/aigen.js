#!/usr/bin/env node
// The `aigen` command. It runs the compiled JavaScript in dist/ (fast start) when that is what the
// sources say: an installed package has no src/, and in a checkout of the repository dist/ is used
// only while every src/**/*.ts has a compiled file at least as new as itself (`npm run build`).
// After any edit of src/ the checkout runs the TypeScript sources through tsx's loader, so a
// stale build is never run.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  process.stderr.write(`aigen: needs Node.js 20.19 or newer (this is ${process.version})\n`);
  process.exit(1);
}

const sourceDir = fileURLToPath(new URL('../src/', import.meta.url));
const distDir = fileURLToPath(new URL('../dist/', import.meta.url));
const sources = new URL('../src/cli/main.ts', import.meta.url);
const compiled = new URL('../dist/cli/main.js', import.meta.url);

/** Whether every `.ts` file under `src/<rel>` has its `.js` under `dist/<rel>`, no older than itself. */
function compiledIsCurrent(rel = '') {
  for (const entry of readdirSync(sourceDir + rel, { withFileTypes: true })) {
    const path = rel + entry.name;
    if (entry.isDirectory()) {
      if (!compiledIsCurrent(`${path}/`)) return false;
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
      const out = statSync(`${distDir}${path.slice(0, -3)}.js`, { throwIfNoEntry: false });
      if (!out || out.mtimeMs < statSync(sourceDir + path).mtimeMs) return false;
    }
  }
  return true;
}

let main;
if (existsSync(sources) && !(existsSync(compiled) && compiledIsCurrent())) {
  const { register } = await import('tsx/esm/api');
  register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
  ({ main } = await import(sources.href));
} else if (existsSync(compiled)) {
  ({ main } = await import(compiled.href));
} else {
  process.stderr.write('aigen: dist/ is missing; build it with `npm run build`\n');
  process.exit(1);
}
await main(process.argv);
