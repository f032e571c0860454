export * from './catalogue.js';
export * from './codec.js';
export * from './common.js';
export * from './envelope.js';
export * from './errors.js';
export * from './streams.js';
export * from './terminal.js';
export * from './usage.js';
