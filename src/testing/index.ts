/**
 * Test doubles for aigen users and aigen's own tests: the in-memory store, a scripted model,
 * a model that throws if called, and a simulated clock.
 */
export { createMemoryStore, MemoryDriver } from '../store/memory/index.js';
export * from './scriptedModel.js';
export * from './throwingModel.js';
export { SimulatedClock } from './clock.js';
export { expectReplayMatches } from './replay.js';
