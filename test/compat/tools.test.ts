import { compatSuite } from './harness.js';
import { brain } from './brains/tools.js';
import { agent, input } from './examples/tools.js';

compatSuite({ name: 'tools', input, agent, brain, killAt: 1 });
