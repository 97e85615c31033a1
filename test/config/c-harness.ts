/**
 * Test helper: compile a generated site_config.c with a tiny driver that reads
 * `<list> <len>\n<bytes>` records on stdin and prints `<rule index> <action>` per record, then
 * run it. Used by the differential test and the emit tests.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const HEADER = join(ROOT, 'native', 'src', 'site_config.h');

const DRIVER = `#include "site_config.h"
#include <stdio.h>
static char buf[1 << 20];
int main(void) {
  int list;
  size_t len;
  while (scanf("%d %zu", &list, &len) == 2) {
    int index;
    if (getchar() != '\\n') return 2;
    if (len > 0 && fread(buf, 1, len, stdin) != len) return 3;
    index = xalt_rule_match((enum xalt_rule_list)list, buf, len);
    printf("%d %d\\n", index, (int)xalt_rule_action((enum xalt_rule_list)list, index));
  }
  return 0;
}
`;

/** A compiled matcher program; `decide` runs a batch of (list, string) queries through it. */
export interface CMatcher {
  decide(queries: readonly { list: number; s: string }[]): { index: number; action: number }[];
  dispose(): void;
}

/** Compile `siteConfigC` (generated with includePath "site_config.h") with the driver. */
export function compileMatcher(siteConfigC: string): CMatcher {
  const dir = mkdtempSync(join(tmpdir(), 'xalt-cfg-'));
  writeFileSync(join(dir, 'site_config.c'), siteConfigC);
  writeFileSync(join(dir, 'driver.c'), DRIVER);
  const exe = join(dir, 'driver');
  execFileSync('cc', ['-std=c11', '-O1', '-Wall', '-Wextra', '-Werror', '-I', join(ROOT, 'native', 'src'), '-o', exe, join(dir, 'site_config.c'), join(dir, 'driver.c')], { stdio: ['ignore', 'ignore', 'inherit'] });
  return {
    decide(queries) {
      const parts: Buffer[] = [];
      for (const q of queries) {
        const bytes = Buffer.from(q.s, 'utf8');
        parts.push(Buffer.from(`${q.list} ${bytes.length}\n`), bytes);
      }
      const out = execFileSync(exe, { input: Buffer.concat(parts), maxBuffer: 64 << 20 }).toString();
      return out.trim().split('\n').filter((l) => l !== '').map((l) => {
        const [index, action] = l.split(' ').map(Number);
        return { index: index!, action: action! };
      });
    },
    dispose() { rmSync(dir, { recursive: true, force: true }); },
  };
}
