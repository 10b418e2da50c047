/** Every HTTP schema, one file per resource; this index is for tests and tools that check answers. */
export * from './articles.js';
export * from './common.js';
export * from './health.js';
export * from './related.js';
export * from './search.js';
export * from './sources.js';
export * from './stories.js';
