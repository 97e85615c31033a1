/** Ingest: spool readers, normalisation, loading into the store, reverse map. */
export { ingestSpools, type IngestOptions, type IngestSummary, type IngestProgress } from './ingest.js';
export { readReverseMap, parseReverseMap, ModuleLookup, type ReverseMapData } from './reverse-map.js';
export type { IngestRules, PreIngestRuleData, AppRuleData } from './ingest-rules.js';
