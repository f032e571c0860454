export { createMemoryStore, MemoryDriver } from '../store/memory/index.js';
