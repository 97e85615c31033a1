/**
 * Cost of deciding an executable path in the collector (docs/internals/budgets.md: a path filtered out must
 * cost ≤ 15 µs more than an empty preloaded library). The compiled DFA of a TACC-like path
 * list (`xalt_rule_match`, from the generated site_config.c) against a baseline measured
 * side by side in the same C program: POSIX `regexec` over the same rules, tried in order,
 * each anchored — what a collector using the C library's regex engine would do (regcomp
 * done once, outside the timing). Both must agree on every path; the program checks it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSiteConfig } from '../src/config/parse-site-config.js';
import { collectorLists, emitSiteConfigC } from '../src/config/emit-c.js';
import { PATHS, TACC } from '../test/config/site-fixtures.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** POSIX ERE spelling of a rule pattern (glibc: "." also matches newline, "\/" is "/"). */
function toEre(pattern: string): string {
  return pattern.replace(/\[\\s\\S\]\*/g, '.*').replace(/^\^/, '');
}

function cString(s: string): string {
  return JSON.stringify(s);
}

function program(patterns: readonly string[], paths: readonly string[]): string {
  return `#define _POSIX_C_SOURCE 200809L
#include "site_config.h"
#include <regex.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
static const char *const pats[] = { ${patterns.map((p) => cString(`^(${toEre(p)})$`)).join(', ')} };
static const char *const paths[] = { ${paths.map(cString).join(', ')} };
#define NP (sizeof pats / sizeof pats[0])
#define NS (sizeof paths / sizeof paths[0])
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }
int main(void) {
  static regex_t re[NP];
  size_t i, j, k, len[NS];
  long sink = 0, mismatches = 0, dfa_n = 0, re_n = 0;
  double t0, dfa_s, re_s;
  for (i = 0; i < NP; i++) if (regcomp(&re[i], pats[i], REG_EXTENDED | REG_NOSUB)) { printf("regcomp failed: %s\\n", pats[i]); return 1; }
  for (j = 0; j < NS; j++) len[j] = strlen(paths[j]);
  for (j = 0; j < NS; j++) {
    int want = -1;
    for (i = 0; i < NP; i++) if (regexec(&re[i], paths[j], 0, 0, 0) == 0) { want = (int)i; break; }
    if (want != xalt_rule_match(XALT_RULES_PATH, paths[j], len[j])) mismatches++;
  }
  t0 = now();
  for (k = 0; k < 20000; k++) for (j = 0; j < NS; j++) { sink += xalt_rule_match(XALT_RULES_PATH, paths[j], len[j]); dfa_n++; }
  dfa_s = now() - t0;
  t0 = now();
  for (k = 0; k < 200; k++) for (j = 0; j < NS; j++) {
    for (i = 0; i < NP; i++) if (regexec(&re[i], paths[j], 0, 0, 0) == 0) { sink += (long)i; break; }
    re_n++;
  }
  re_s = now() - t0;
  printf("%ld %.1f %.1f %ld\\n", mismatches, dfa_s / dfa_n * 1e9, re_s / re_n * 1e9, sink);
  return 0;
}
`;
}

/** Print ns per path decision for the DFA and for regexec, and their ratio. */
export async function run(): Promise<void> {
  const cfg = parseSiteConfig(TACC, 'tacc.toml').config;
  if (!cfg) throw new Error('TACC fixture does not parse');
  const patterns = collectorLists(cfg).path.patterns;
  const dir = mkdtempSync(join(tmpdir(), 'xalt-bench-cfg-'));
  try {
    writeFileSync(join(dir, 'site_config.c'), emitSiteConfigC(cfg, { includePath: 'site_config.h' }));
    writeFileSync(join(dir, 'bench.c'), program(patterns, PATHS));
    const exe = join(dir, 'bench');
    execFileSync('cc', ['-std=c11', '-O2', '-I', join(ROOT, 'native', 'src'), '-o', exe, join(dir, 'site_config.c'), join(dir, 'bench.c')]);
    const [mismatches, dfaNs, reNs] = execFileSync(exe).toString().trim().split(' ').map(Number) as [number, number, number];
    const avgLen = PATHS.reduce((n, p) => n + p.length, 0) / PATHS.length;
    console.log(`path decision, ${patterns.length} rules (TACC-like + built-ins), ${PATHS.length} paths of ${avgLen.toFixed(0)} bytes on average`);
    console.log(`  compiled DFA (xalt_rule_match): ${dfaNs.toFixed(1)} ns per decision`);
    console.log(`  baseline POSIX regexec, first match of ${patterns.length}: ${(reNs / 1000).toFixed(2)} µs per decision`);
    console.log(`  ratio: DFA is ${(reNs / dfaNs).toFixed(0)}x faster; budget for a filtered-out run is 15 µs in all`);
    console.log(`  disagreements between the two: ${mismatches}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
