import { describe, expect, it } from 'vitest';
import { checkImports, fileEdges, folderOf, importSpecifiers, readSources, REPO_ROOT } from './importGraph.js';

/** A tiny source tree: path → source text. */
const tree = (files: Record<string, string>) => new Map(Object.entries(files));

describe('the import graph of the repository', () => {
  const files = readSources(REPO_ROOT, ['src', 'web']);

  it('is really read: many files in every layer, and their imports resolved', () => {
    const edges = fileEdges(files);
    const folders = new Set([...files.keys()].map(folderOf));
    for (const f of ['events', 'store', 'journal', 'actors', 'machines', 'models', 'projections', 'config', 'runtime', 'cli', 'server']) {
      expect(folders, f).toContain(f);
    }
    expect(files.size).toBeGreaterThan(100);
    // A known import, so a resolver that silently finds nothing cannot pass.
    expect(edges).toContainEqual({ from: 'src/journal/recorder.ts', to: 'src/store/eventStore.ts' });
    expect(edges.length).toBeGreaterThan(files.size);
  });

  it('has no folder importing a later layer, and no import cycle between folders or files', () => {
    expect(checkImports(files).map((v) => v.message)).toEqual([]);
  });

  it('keeps the journal on events and store only', () => {
    const targets = new Set(
      fileEdges(files)
        .filter((e) => folderOf(e.from) === 'journal')
        .map((e) => folderOf(e.to)),
    );
    targets.delete('journal');
    for (const t of targets) expect(['events', 'store', '(src)'], `journal imports ${t}`).toContain(t);
  });

  it('builds engines in one place: no CLI command or server module constructs a WorkflowEngine (they ask the Application)', () => {
    const constructing = [...files].filter(([path, source]) => /^src\/(cli|server)\//.test(path) && /new\s+WorkflowEngine\s*\(/.test(source.replace(/^\s*\*.*$/gm, '')));
    expect(constructing.map(([path]) => path)).toEqual([]);
    expect(files.get('src/app/application.ts')).toMatch(/new WorkflowEngine\(/);
  });

  it('keeps server routes off the store: they read through the app, as the CLI does (one read side)', () => {
    const reading = fileEdges(files).filter((e) => e.from.startsWith('src/server/routes/') && folderOf(e.to) === 'store');
    expect(reading).toEqual([]);
    // The read side they use instead, so a rename cannot make this pass vacuously.
    expect(fileEdges(files)).toContainEqual({ from: 'src/server/reads.ts', to: 'src/app/reads.ts' });
    expect(fileEdges(files)).toContainEqual({ from: 'src/cli/views.ts', to: 'src/app/reads.ts' });
  });
});

describe('the checker', () => {
  it('reads static, re-export, type-only and dynamic imports, and skips packages', () => {
    const specs = importSpecifiers(
      [
        "import { a } from './a.js';",
        "import type { B } from '../b/b.js';",
        "export { c } from './c.js';",
        "export * from './d.js';",
        "const e = await import('../e/e.js');",
        "import { z } from 'zod';",
      ].join('\n'),
    );
    expect(specs).toEqual(['./a.js', '../b/b.js', './c.js', './d.js', '../e/e.js']);
  });

  it('catches a lower folder importing runtime', () => {
    const violations = checkImports(
      tree({
        'src/events/catalogue.ts': "import { engine } from '../runtime/engine.js';",
        'src/runtime/engine.ts': 'export const engine = 1;',
      }),
    );
    expect(violations).toEqual([
      { rule: 'layer', message: 'events imports the later layer runtime (src/events/catalogue.ts → src/runtime/engine.ts)' },
    ]);
  });

  it('catches the journal importing the models, and the server importing the cli through a dynamic import', () => {
    const violations = checkImports(
      tree({
        'src/journal/recorder.ts': "import type { M } from '../models/m.js';",
        'src/models/m.ts': 'export type M = 1;',
        'src/app/cancel.ts': "export const c = () => import('../cli/main.js');",
        'src/cli/main.ts': '',
      }),
    );
    expect(violations.map((v) => v.rule)).toEqual(['layer', 'layer']);
    expect(violations[0]!.message).toContain('journal imports the later layer models');
    expect(violations[1]!.message).toContain('app imports the later layer cli');
  });

  it('catches a cycle between folders of the same layer', () => {
    const violations = checkImports(
      tree({
        'src/actors/a.ts': "import { m } from '../machines/m.js';",
        'src/machines/m.ts': "import { x } from '../models/x.js';",
        'src/models/x.ts': "import { a } from '../actors/a.js';",
      }),
    );
    expect(violations.map((v) => v.rule)).toContain('cycle');
    expect(violations.find((v) => v.rule === 'cycle')!.message).toContain('import cycle between actors, machines, models');
  });

  it('catches a cycle between two files of one folder', () => {
    const violations = checkImports(
      tree({
        'src/runtime/engine.ts': "import type { S } from './replay/support.js';",
        'src/runtime/replay/support.ts': "import type { O } from '../engine.js';",
      }),
    );
    expect(violations).toEqual([
      {
        rule: 'cycle',
        message:
          'import cycle between src/runtime/engine.ts, src/runtime/replay/support.ts: src/runtime/engine.ts → src/runtime/replay/support.ts; src/runtime/replay/support.ts → src/runtime/engine.ts',
      },
    ]);
  });

  it('names a folder that has no layer, and forbids importing the testing helpers', () => {
    const violations = checkImports(
      tree({
        'src/plugins/p.ts': "import { e } from '../events/e.js';",
        'src/events/e.ts': '',
        'src/runtime/r.ts': "import { clock } from '../testing/clock.js';",
        'src/testing/clock.ts': "import { r } from '../runtime/r.js';",
      }),
    );
    expect(violations.map((v) => v.rule).sort()).toEqual(['unknown-folder', 'unlayered-imported']);
  });

  it('accepts imports down the layers, from web/ into src/, and from the package entry to anything', () => {
    const violations = checkImports(
      tree({
        'src/index.ts': "export * from './cli/main.js'; export * from './events/e.js';",
        'src/errors.ts': '',
        'src/events/e.ts': "import { AigenError } from '../errors.js';",
        'src/journal/j.ts': "import '../events/e.js'; import '../store/s.js';",
        'src/store/s.ts': "import '../events/e.js';",
        'src/app/a.ts': "import '../runtime/r.js'; import '../journal/j.js';",
        'src/runtime/r.ts': "import '../projections/p.js'; import '../config/c.js';",
        'src/projections/p.ts': "import '../machines/m.js';",
        'src/config/c.ts': "import '../machines/m.js'; import '../actors/a.js';",
        'src/machines/m.ts': "import '../actors/a.js';",
        'src/actors/a.ts': "import '../models/x.js';",
        'src/models/x.ts': "import '../journal/j.js';",
        'src/cli/main.ts': "import '../app/a.js'; import '../server/s.js';",
        'src/server/s.ts': "import '../app/a.js';",
        'web/fold.js': "import '../src/projections/p.js';",
      }),
    );
    expect(violations).toEqual([]);
  });
});
