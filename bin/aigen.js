#!/usr/bin/env node
// The `aigen` command. An installed package runs the compiled JavaScript in dist/ (fast start).
// A checkout of the repository (src/ is there) runs the TypeScript sources through tsx's loader,
// so edits take effect without a rebuild (tsx caches compiled files on disk).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  process.stderr.write(`aigen: needs Node.js 20.19 or newer (this is ${process.version})\n`);
  process.exit(1);
}

const sources = new URL('../src/cli/main.ts', import.meta.url);
const compiled = new URL('../dist/cli/main.js', import.meta.url);
let main;
if (existsSync(sources)) {
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
