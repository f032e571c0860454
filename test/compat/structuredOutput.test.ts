import { compatSuite } from './harness.js';
import { brain } from './brains/structuredOutput.js';
import { agent, input } from './examples/structuredOutput.js';

compatSuite({ name: 'structuredOutput', input, agent, brain, killAt: 1 });
