/** The site configuration: types, parser, loader, rule matching, compiler. */
export * from './site-config.js';
export { parseSiteConfig, type ParseResult } from './parse-site-config.js';
export { loadSiteConfig, readSiteConfig, findSiteConfig, EXAMPLE_CONFIG, BUILTIN_NAME } from './load-site-config.js';
export { firstMatch, fullMatchRegex } from './rule-matcher.js';
export { effectiveEnvRules, effectiveHostRules, effectivePathRules, SECRET_WORDS } from './builtin-rules.js';
export { DEFAULT_APPLICATIONS } from './default-applications.js';
export { applicationName, preIngestProbability, samplingProbability, keepEnv, keepPackage } from './decide.js';
