import { compatSuite } from './harness.js';
import { brain } from './brains/routing.js';
import { agent, input } from './examples/routing.js';

compatSuite({ name: 'routing', input, agent, brain, killAt: 1, kind: 'handoff' });
