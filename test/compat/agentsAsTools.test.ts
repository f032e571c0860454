import { compatSuite } from './harness.js';
import { brain } from './brains/agentsAsTools.js';
import { agent, input } from './examples/agentsAsTools.js';

compatSuite({ name: 'agentsAsTools', input, agent, brain, killAt: 1 });
