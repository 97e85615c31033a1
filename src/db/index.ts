/** The store: open it, its tables, its migrations. */
export * from './store.js';
export * from './open-store.js';
export * from './schema-tables.js';
export { migrate, schemaVersion, LATEST_SCHEMA_VERSION } from './migrations/migrations.js';
