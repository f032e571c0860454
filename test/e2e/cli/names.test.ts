import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aigen, oneLineError, sandbox, type Sandbox } from './helpers.js';

// Names that JavaScript objects inherit (`__proto__`, `constructor`, `toString`) are neither
// workflows nor agent types: they are refused before anything is recorded.
let sb: Sandbox;
beforeAll(() => {
  sb = sandbox();
});
afterAll(() => sb.cleanup());

describe('prototype names', () => {
  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'research,constructor'])('aigen run %s is an unknown name (exit 2), nothing recorded', async (name) => {
    const r = await aigen(['run', name, 'x'], { sb });
    expect(r.code, r.stderr).toBe(2);
    const unknown = name.includes(',') ? 'constructor' : name;
    expect(oneLineError(r)).toMatch(new RegExp(`unknown (workflow|agent type|workflow or agent type) '${unknown}'`));
    // Refused before the store is even opened.
    expect(existsSync(join(sb.dir, 'aigen.db'))).toBe(false);
  }, 60_000);
});
