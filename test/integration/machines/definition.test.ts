import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportDefinition } from '../../../src/machines/definition.js';
import { createWorkflow } from '../../../src/index.js';
import type { RunServices } from '../../../src/machines/workflow.js';
import { parseRunFile } from '../../../src/runtime/replay/runFiles.js';
import { unusedRunServices } from '../../support/runServices.js';

// The statechart definition recorded in RunStarted is what the UI draws and what a replay of an
// old run shows; replays do not compare it, so this test pins it: the machines built today must
// export exactly the definition the recorded runs under test/replays hold.
const services: RunServices = unusedRunServices();

describe('workflow definitions', () => {
  const dir = join(import.meta.dirname, '..', '..', 'replays');
  it.each(['content_generation', 'dynamic_content', 'content_router', 'multi_perspective', 'self_improving'])(
    '%s exports the definition its recorded run holds',
    (name) => {
      const events = parseRunFile(readFileSync(join(dir, `${name}.jsonl`), 'utf8'));
      const started = events.find((e) => e.type === 'RunStarted' && e.streamId === `run-${e.metadata.runId}` && !e.streamId.includes('.'))!;
      const recorded = (started.data as { workflow: { definition: unknown } }).workflow.definition;
      const machine = createWorkflow(name).build({ services, prefix: '' });
      expect(exportDefinition(machine)).toEqual(recorded);
    },
  );
});
