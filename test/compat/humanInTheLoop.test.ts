import { compatSuite } from './harness.js';
import { brain } from './brains/humanInTheLoop.js';
import { agent, input } from './examples/humanInTheLoop.js';

compatSuite({ name: 'humanInTheLoop', input, agent, brain, killAt: 2 });
