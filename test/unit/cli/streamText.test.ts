import { describe, expect, it } from 'vitest';
import { Channel } from '../../../src/cli/output.js';
import { TextStreamer } from '../../../src/cli/streamText.js';
import type { ModelDelta } from '../../../src/journal/deltas.js';

function channel(): { channel: Channel; text: () => string } {
  let text = '';
  return { channel: new Channel({ isTTY: false, columns: 80, write: (chunk: string) => ((text += chunk), true) }, {}), text: () => text };
}
const delta = (runId: string, callId: string, agentId: string, text: string): ModelDelta =>
  ({ type: 'delta', runId, stepId: callId.split('.')[0]!, callId, agentId, text, index: 0 });

describe('aigen run --stream text', () => {
  it('separates calls, names each agent on stderr, and ends with a newline', () => {
    const out = channel();
    const err = channel();
    const s = new TextStreamer(out.channel, err.channel);
    s.delta(delta('r', '1-research.1.1', 'research', 'Findings'));
    s.delta(delta('r', '1-research.1.1', 'research', ' here.'));
    s.end('r', '1-research.1.1');
    s.delta(delta('r', '2-writer.1.1', 'writer', 'An article.'));
    s.end('r', '2-writer.1.1');
    s.finish();
    expect(out.text()).toBe('Findings here.\n\nAn article.\n');
    expect(err.text()).toBe('▸ research\n▸ writer\n');
  });

  it('never interleaves calls running at once: a later call is held until the shown one ends, then followed live', () => {
    const out = channel();
    const err = channel();
    const s = new TextStreamer(out.channel, err.channel);
    s.delta(delta('r.a', '1-research.1.1', 'research', 'A1 '));
    s.delta(delta('r.b', '1-research.1.1', 'critic', 'B1 '));
    s.delta(delta('r.a', '1-research.1.1', 'research', 'A2'));
    s.delta(delta('r.b', '1-research.1.1', 'critic', 'B2 '));
    s.end('r.a', '1-research.1.1');
    s.delta(delta('r.b', '1-research.1.1', 'critic', 'B3'));
    s.end('r.b', '1-research.1.1');
    s.finish();
    expect(out.text()).toBe('A1 A2\n\nB1 B2 B3\n');
    expect(err.text()).toBe('▸ research\n▸ critic\n');
  });

  it('says when a step calls the model again (a retry)', () => {
    const out = channel();
    const err = channel();
    const s = new TextStreamer(out.channel, err.channel);
    s.delta(delta('r', '1-writer.1.1', 'writer', 'Half an'));
    s.end('r', '1-writer.1.1');
    s.delta({ ...delta('r', '1-writer.2.1', 'writer', 'A whole article.'), stepId: '1-writer' });
    s.finish();
    expect(out.text()).toBe('Half an\n\nA whole article.\n');
    expect(err.text()).toBe('▸ writer\n▸ writer (again)\n');
  });
});
