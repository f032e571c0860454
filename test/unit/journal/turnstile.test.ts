import { describe, expect, it } from 'vitest';
import { Turnstile } from '../../../src/journal/turnstile.js';

describe('Turnstile', () => {
  it('lets ids pass in the recorded order, and unrecorded ids only after all recorded ones', async () => {
    const gate = new Turnstile(['b', 'a']);
    const passed: string[] = [];
    const go = async (id: string) => {
      await gate.wait(id);
      passed.push(id);
      gate.pass(id);
    };
    await Promise.all([go('x'), go('a'), go('b')]);
    expect(passed).toEqual(['b', 'a', 'x']);
  });

  it('lets everything through when nothing was recorded', async () => {
    const gate = new Turnstile([]);
    await gate.wait('anything');
    gate.pass('anything');
    await expect(gate.wait('other')).resolves.toBeUndefined();
  });
});

describe('Turnstile with an early pass', () => {
  it('skips the slot of an id that passed before its turn', async () => {
    const gate = new Turnstile(['a', 'b', 'c']);
    gate.pass('b'); // b failed early
    const order: string[] = [];
    const c = gate.wait('c').then(() => order.push('c'));
    gate.pass('a');
    await c;
    expect(order).toEqual(['c']);
  });
});
