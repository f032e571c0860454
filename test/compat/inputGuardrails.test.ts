import { compatSuite } from './harness.js';
import { brain } from './brains/inputGuardrails.js';
import { agent, input, tripping } from './examples/inputGuardrails.js';

compatSuite({ name: 'inputGuardrails', input, agent, brain, killAt: 1, trips: tripping });
