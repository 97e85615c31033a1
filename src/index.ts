/** The public library API of xalt. Everything not exported here is internal. */
export * from './schema/index.js';
