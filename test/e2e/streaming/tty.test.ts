import { execFileSync, spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, sandbox, type Sandbox } from '../cli/helpers.js';

// `aigen run` in a real terminal (a pseudo-terminal from util-linux `script`): the running step's
// text grows under its progress line while the model generates it.
const hasScript = (() => {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

let sb: Sandbox;
beforeAll(() => {
  sb = sandbox();
});
afterAll(() => sb.cleanup());

describe.skipIf(!hasScript)('aigen run in a terminal', () => {
  it('shows the running step\'s text growing under its line, and drops it when the step ends', async () => {
    const command = `${process.execPath} ${BIN} run research 'Write about tides'`;
    const child = spawn('script', ['-qfec', command, '/dev/null'], {
      cwd: sb.dir,
      env: { ...sb.env, AIGEN_OFFLINE_LATENCY_MS: '3000', COLUMNS: '120', LINES: '40', TERM: 'xterm' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let raw = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (raw += d));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    // Each redraw starts by moving up over the previous block; split the output into frames.
    // eslint-disable-next-line no-control-regex
    const frames = raw.split(/\x1b\[\d+F/).map((f) => f.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, ''));
    /** The live text drawn under the research line of a frame (its indented lines). */
    const liveText = (frame: string) => {
      const lines = frame.split('\n');
      const at = lines.findIndex((l) => /^\s+\S+\s+research\s+working/.test(l));
      if (at < 0) return '';
      const below: string[] = [];
      for (const l of lines.slice(at + 1)) {
        if (!/^ {6}\S/.test(l)) break;
        below.push(l.trim());
      }
      return below.join(' ');
    };
    const shown = frames.map(liveText).filter((t) => t !== '');
    expect(shown.length).toBeGreaterThan(2);
    expect(shown[0]).toMatch(/^Research/);
    // It grew: a later frame shows text the first did not.
    expect(new Set(shown).size).toBeGreaterThan(2);
    // The last frame shows the finished step, without live text.
    expect(liveText(frames.at(-1)!)).toBe('');
    expect(frames.at(-1)).toMatch(/✓\s+research\s+done/);
  });
});
