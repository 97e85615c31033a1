/**
 * `xalt.toml` text → validated, frozen `SiteConfig` (pure). Every issue is collected as a
 * one-line `FILE:LINE: key: message (valid: …)` so `xalt config check` can show them all.
 */
import { createHash } from 'node:crypto';
import { parse as parseToml, TomlError } from 'smol-toml';
import { SPOOL_LAYOUTS, type SpoolLayout } from '../schema/spool-layout.js';
import { DEFAULT_REDACT_WORDS } from '../schema/redact.js';
import { ConfigIssues, describe, type TomlObject } from './config-issues.js';
import { SECRET_ENV_PATTERN } from './builtin-rules.js';
import { readActionRules, readAppRules, readPkgRules, readPreIngest, readSamplingTable, checkPattern } from './read-rules.js';
import { fullMatchRegex } from './rule-matcher.js';
import { DEFAULT_APPLICATIONS } from './default-applications.js';
import {
  DEFAULT_SPOOL_PREFIX, KEEP_SKIP, PATH_ACTIONS, PATH_ARG_ACTIONS, START_POLICIES, SYSHOST_KINDS, TRANSPORTS,
  type Rule, type Transport, type SiteConfig, type SyshostRule, type TrackingConfig,
} from './site-config.js';
import { locateKeys } from './toml-locator.js';
import { globHint, looksLikeGlob } from './pattern-lint.js';

/** Result of parsing: a config when there were no errors, plus every error and warning. */
export interface ParseResult {
  readonly config?: SiteConfig;
  readonly errors: readonly string[];
  readonly warnings: readonly string[];
}

const TOP_KEYS = ['syshost', 'spool', 'ship', 'tracking', 'sampling', 'rules', 'privacy', 'container', 'store', 'install'] as const;

/**
 * Parse and validate a site configuration.
 * @example const { config, errors } = parseSiteConfig(text, 'xalt.toml')
 */
export function parseSiteConfig(text: string, fileName: string): ParseResult {
  let doc: TomlObject;
  try {
    doc = parseToml(text) as TomlObject;
  } catch (err) {
    if (!(err instanceof TomlError)) throw err;
    const msg = err.message.split('\n')[0]!.replace(/^Invalid TOML document: /, '');
    return { errors: [`${fileName}:${err.line}: TOML syntax: ${msg} (column ${err.column})`], warnings: [] };
  }
  const issues = new ConfigIssues(fileName, locateKeys(text));
  issues.unknownKeys(doc, '', TOP_KEYS);
  const config: SiteConfig = {
    file: fileName,
    syshost: readSyshost(issues, issues.table(doc, 'syshost', '')),
    spool: readSpool(issues, issues.table(doc, 'spool', '')),
    ship: readShip(issues, issues.table(doc, 'ship', '')),
    privacy: readPrivacy(issues, issues.table(doc, 'privacy', '')),
    tracking: readTracking(issues, issues.table(doc, 'tracking', '')),
    sampling: readSampling(issues, issues.table(doc, 'sampling', '')),
    rules: readRules(issues, issues.table(doc, 'rules', '')),
    container: readContainer(issues, issues.table(doc, 'container', '')),
    store: readStore(issues, issues.table(doc, 'store', '')),
    install: readInstall(issues, issues.table(doc, 'install', '')),
    fingerprint: createHash('sha256').update(text).digest('hex').slice(0, 16),
    warnings: issues.warnings,
  };
  warnSecretKeeps(issues, config.rules.env);
  warnGlobs(issues, config.rules);
  if (issues.errors.length > 0) return { errors: issues.errors, warnings: issues.warnings };
  return { config: deepFreeze(config), errors: [], warnings: issues.warnings };
}

function readSyshost(issues: ConfigIssues, t: TomlObject): SyshostRule {
  const args: Record<string, readonly string[]> = { hardcode: ['name'], nth_name: ['nth'], read_file: ['file'], mapping: ['mapping'], strip_numbers: [], env_var: ['var'] };
  const kind = issues.oneOf(t, 'kind', 'syshost', 'strip_numbers', SYSHOST_KINDS);
  issues.unknownKeys(t, 'syshost', ['kind', ...args[kind]!]);
  for (const needed of args[kind]!) {
    if (t[needed] === undefined) issues.error('syshost.kind', `syshost kind "${kind}" needs the key "${needed}"`, `kind = "${kind}" with ${needed} = …`);
  }
  switch (kind) {
    case 'hardcode': return { kind, name: nonEmpty(issues, t, 'name') };
    case 'nth_name': return { kind, nth: issues.integer(t, 'nth', 'syshost', 1, 1) };
    case 'read_file': return { kind, file: nonEmpty(issues, t, 'file') };
    case 'env_var': return { kind, variable: nonEmpty(issues, t, 'var') };
    case 'strip_numbers': return { kind };
    case 'mapping': return { kind, mapping: readSyshostMapping(issues, t) };
  }
}

function nonEmpty(issues: ConfigIssues, t: TomlObject, key: string): string {
  const v = issues.string(t, key, 'syshost', '');
  if (v === '' && t[key] !== undefined) issues.error(`syshost.${key}`, 'must not be empty');
  return v;
}

function readSyshostMapping(issues: ConfigIssues, t: TomlObject) {
  const list = issues.array(t, 'mapping', 'syshost') ?? [];
  const out: { pattern: string; name: string; line: number }[] = [];
  list.forEach((item, i) => {
    const path = `syshost.mapping[${i}]`;
    if (!Array.isArray(item) || item.length !== 2 || typeof item[0] !== 'string' || typeof item[1] !== 'string' || item[1] === '') {
      issues.error(path, `expected [HOST_REGEX, SYSHOST_NAME], got ${describe(item)}`);
      return;
    }
    if (checkPattern(issues, `${path}[0]`, item[0])) out.push({ pattern: item[0], name: item[1], line: issues.line(path) });
  });
  return out;
}

function readSpool(issues: ConfigIssues, t: TomlObject) {
  issues.unknownKeys(t, 'spool', ['prefix', 'layout', 'tmpdir', 'transport']);
  const prefix = issues.string(t, 'prefix', 'spool', DEFAULT_SPOOL_PREFIX);
  if (prefix !== 'USE_HOME' && !prefix.startsWith('/')) issues.error('spool.prefix', `${JSON.stringify(prefix)} is not an absolute path`, 'an absolute directory, or "USE_HOME"');
  const layout: SpoolLayout = issues.oneOf(t, 'layout', 'spool', 'month/hash', SPOOL_LAYOUTS);
  const tmpdir = issues.string(t, 'tmpdir', 'spool', '/dev/shm');
  if (!tmpdir.startsWith('/')) issues.error('spool.tmpdir', `${JSON.stringify(tmpdir)} is not an absolute path`, 'a node-local directory such as /dev/shm');
  const transport: Transport = issues.oneOf(t, 'transport', 'spool', 'ship', TRANSPORTS);
  return { prefix, layout, tmpdir, transport };
}

function readPrivacy(issues: ConfigIssues, t: TomlObject) {
  issues.unknownKeys(t, 'privacy', ['redact_words']);
  const list = issues.array(t, 'redact_words', 'privacy');
  if (!list) return { redactWords: DEFAULT_REDACT_WORDS };
  const words: string[] = [];
  list.forEach((w, i) => {
    if (typeof w !== 'string' || !/^[a-z0-9_.-]{2,64}$/.test(w)) {
      issues.error(`privacy.redact_words[${i}]`, `expected a word of 2-64 lower-case letters, digits, "_", "." or "-", got ${describe(w)}`);
    } else words.push(w);
  });
  return { redactWords: words };
}

function readShip(issues: ConfigIssues, t: TomlObject) {
  issues.unknownKeys(t, 'ship', ['state_dir', 'max_age_hours']);
  const stateDir = issues.string(t, 'state_dir', 'ship', '/var/lib/xalt');
  if (!stateDir.startsWith('/')) issues.error('ship.state_dir', `${JSON.stringify(stateDir)} is not an absolute path`, 'a node-local directory only root can write, such as /var/lib/xalt');
  const maxAgeHours = issues.integer(t, 'max_age_hours', 'ship', 24, 1);
  return { stateDir, maxAgeHours };
}

function readTracking(issues: ConfigIssues, t: TomlObject): TrackingConfig {
  const p = 'tracking';
  issues.unknownKeys(t, p, ['scalar', 'mpi', 'gpu', 'signal_handler', 'sampling', 'start', 'mpi_always_record']);
  return {
    scalar: issues.boolean(t, 'scalar', p, true),
    mpi: issues.boolean(t, 'mpi', p, true),
    gpu: issues.boolean(t, 'gpu', p, true),
    signalHandler: issues.boolean(t, 'signal_handler', p, true),
    sampling: issues.boolean(t, 'sampling', p, false),
    start: issues.oneOf(t, 'start', p, 'staged', START_POLICIES),
    mpiAlwaysRecord: issues.integer(t, 'mpi_always_record', p, 2, 1),
  };
}

function readSampling(issues: ConfigIssues, t: TomlObject) {
  issues.unknownKeys(t, 'sampling', ['scalar', 'mpi', 'pre_ingest']);
  const scalar = readSamplingTable(issues, t, 'scalar', 'sampling') ?? [{ minRuntime: 0, probability: 1 }];
  const mpi = readSamplingTable(issues, t, 'mpi', 'sampling') ?? scalar; // XALT: missing MPI table → scalar table
  return { scalar, mpi, preIngest: readPreIngest(issues, t, 'pre_ingest', 'sampling') };
}

function readRules(issues: ConfigIssues, t: TomlObject) {
  const p = 'rules';
  issues.unknownKeys(t, p, ['hosts', 'host_default', 'paths', 'path_default', 'path_args', 'env', 'python_packages', 'applications']);
  return {
    hosts: readActionRules(issues, t, 'hosts', p, KEEP_SKIP),
    hostDefault: issues.oneOf(t, 'host_default', p, 'KEEP', KEEP_SKIP),
    paths: readActionRules(issues, t, 'paths', p, PATH_ACTIONS),
    pathDefault: issues.oneOf(t, 'path_default', p, 'KEEP', KEEP_SKIP),
    pathArgs: readActionRules(issues, t, 'path_args', p, PATH_ARG_ACTIONS),
    env: readActionRules(issues, t, 'env', p, KEEP_SKIP),
    pythonPackages: readPkgRules(issues, t, 'python_packages', p),
    applications: readAppRules(issues, t, 'applications', p) ?? DEFAULT_APPLICATIONS,
  };
}

function readContainer(issues: ConfigIssues, t: TomlObject) {
  issues.unknownKeys(t, 'container', ['enabled']);
  return { enabled: issues.boolean(t, 'enabled', 'container', false) };
}

function readStore(issues: ConfigIssues, t: TomlObject) {
  issues.unknownKeys(t, 'store', ['url']);
  return { url: issues.string(t, 'url', 'store', 'xalt.db') };
}

function readInstall(issues: ConfigIssues, t: TomlObject) {
  issues.unknownKeys(t, 'install', ['prefix']);
  const prefix = issues.string(t, 'prefix', 'install', '');
  if (prefix !== '' && !prefix.startsWith('/')) issues.error('install.prefix', `${JSON.stringify(prefix)} is not an absolute path`);
  return { prefix };
}

/** Secret-looking names a KEEP rule might match; the collector refuses them anyway. */
const SECRET_PROBES = ['GITHUB_TOKEN=x', 'AWS_SECRET_ACCESS_KEY=x', 'DB_PASSWORD=x', 'API_KEY=x', 'MY_CREDENTIALS=x', 'PGPASSWD=x'];

function warnSecretKeeps(issues: ConfigIssues, env: readonly Rule<'KEEP' | 'SKIP'>[]): void {
  const secret = fullMatchRegex(SECRET_ENV_PATTERN);
  env.forEach((rule, i) => {
    if (rule.action !== 'KEEP') return;
    const hits = SECRET_PROBES.filter((p) => fullMatchRegex(rule.pattern).test(p) && secret.test(p));
    if (hits.length > 0) {
      issues.warn(`rules.env[${i}]`, `KEEP ${JSON.stringify(rule.pattern)} would keep secrets such as ${hits[0]!.split('=')[0]}; names containing TOKEN, SECRET, PASSWORD, KEY, CREDENTIAL, … are refused anyway`);
    }
  });
}

/** Glob-looking path and host patterns are legal regexes, so only a warning. */
function warnGlobs(issues: ConfigIssues, rules: SiteConfig['rules']): void {
  const lists = [['paths', rules.paths], ['hosts', rules.hosts], ['path_args', rules.pathArgs]] as const;
  for (const [key, list] of lists) {
    list.forEach((rule, i) => {
      if (looksLikeGlob(rule.pattern)) {
        issues.warn(`rules.${key}[${i}][1]`, `${JSON.stringify(rule.pattern)} looks like a shell glob, but "*" repeats only the character before it; did you mean ${JSON.stringify(globHint(rule.pattern))}?`);
      }
    });
  }
}

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}
