#!/usr/bin/env node
// The `aigen` command. Runs the TypeScript sources directly through tsx's loader, so a fresh
// clone works after `npm install` with no build step (tsx caches compiled files on disk).
import { fileURLToPath } from 'node:url';

const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  process.stderr.write(`aigen: needs Node.js 20.19 or newer (this is ${process.version})\n`);
  process.exit(1);
}

const { register } = await import('tsx/esm/api');
register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
const { main } = await import('../src/cli/main.ts');
await main(process.argv);
