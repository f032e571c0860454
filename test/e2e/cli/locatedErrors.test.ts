import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aigen, sandbox, type Sandbox } from './helpers.js';

/* Mistakes in a project file or a workflow file are reported before anything runs, at the place they are written. */

let sb: Sandbox;
let bare: Sandbox;

beforeAll(() => {
  sb = sandbox();
  writeFileSync(join(sb.dir, 'aigen.config.ts'), "export default {\n  agents: { pricer: { instructions: 'Price it.', tools: ['no_such_tool'] } },\n};\n");
  bare = sandbox();
  writeFileSync(join(bare.dir, 'tools.yaml'), 'name: w\nkind: sequential\nagents:\n  - type: writer\n    tools: [lookup_price]\n');
  writeFileSync(join(bare.dir, 'slip.yaml'), 'name: slip\nkind: sequential\nagents:\n  - research\n   - writer\n');
});
afterAll(() => {
  sb.cleanup();
  bare.cleanup();
});

describe('errors reported where they are written', { timeout: 120_000 }, () => {
  it("refuses a project file agent's unknown tool name at load time, naming the field and the file", async () => {
    const expected = "aigen: aigen.config.ts: agents.pricer.tools[0]: unknown tool 'no_such_tool' (no tools are registered: list them in the project file's `tools`)\n";
    const run = await aigen(['run', 'research', 'Tides'], { sb });
    expect([run.code, run.stderr]).toEqual([2, expected]);
    const validate = await aigen(['validate', 'research'], { sb });
    expect([validate.code, validate.stderr]).toEqual([2, expected]);
  });

  it("points a CLI user at the project file's tools, not at a library call", async () => {
    const r = await aigen(['validate', 'tools.yaml'], { sb: bare });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("tools.yaml:5:13: agents[0].tools[0]: unknown tool 'lookup_price' (no tools are registered: list them in the project file's `tools`)");
    expect(r.stderr).not.toContain('registerTool');
  });

  it('reports a list item indented too far at its own line, with the item it joined', async () => {
    const expected =
      "aigen: slip.yaml:5:4: agents[0]: two lines were read as one: '- writer' is indented further than the item above it, so YAML continued that item as 'research - writer'; indent both items alike\n";
    for (const args of [['validate', 'slip.yaml'], ['run', 'slip.yaml', 'Tides']]) {
      const r = await aigen(args, { sb: bare });
      expect([r.code, r.stderr]).toEqual([2, expected]);
    }
  });
});
