/**
 * `xalt doctor`: check an installation end to end on this node — the site config, that
 * tracking is on in this environment, the collector (a real probe run), xalt-ship, the spool,
 * the node-local staging directory, the ingest quarantine, the Python hook (a real import), the
 * link wrapper, and the store. Exit 0 when nothing failed (warnings allowed), 1 otherwise.
 */
import { readSiteConfig } from '../../config/load-site-config.js';
import { storeLocation } from '../../db/store-location.js';
import { checkCollector, checkLinkWrapper, checkPythonHook, checkQuarantine, checkShip, checkSpool, checkStore, checkTmpdir, checkTrackingOn, findLayout, type CheckResult } from '../../doctor/doctor-checks.js';
import { flag, stringOption, type CommandArgs } from '../command-args.js';
import { ExitCode } from '../../errors.js';

export async function run(args: CommandArgs): Promise<number> {
  const parsed = readSiteConfig(stringOption(args, 'config'));
  const configName = parsed.path ?? 'built-in defaults';
  const results: CheckResult[] = [];
  if (!parsed.config) {
    results.push({ check: 'config', status: 'fail', detail: `${configName}: ${parsed.errors[0] ?? 'invalid'}${parsed.errors.length > 1 ? ` (and ${parsed.errors.length - 1} more: run "xalt config check")` : ''}` });
  } else {
    const cfg = parsed.config;
    const layout = findLayout(process.env);
    results.push({ check: 'config', status: 'ok', detail: `${configName} (fingerprint ${cfg.fingerprint})` });
    results.push(
      checkTrackingOn(layout, process.env), checkCollector(layout), checkShip(layout, cfg), checkSpool(cfg, process.env), checkTmpdir(cfg, process.env),
      checkQuarantine(cfg), checkPythonHook(layout, cfg), checkLinkWrapper(layout, process.env),
    );
    results.push(await checkStore(storeLocation(stringOption(args, 'db'), cfg.store.url)));
  }
  if (flag(args, 'json')) args.stdout.write(`${JSON.stringify({ checks: results }, null, 2)}\n`);
  else {
    const width = Math.max(...results.map((r) => r.check.length));
    for (const r of results) args.stdout.write(`${r.status.toUpperCase().padEnd(4)}  ${r.check.padEnd(width)}  ${r.detail}\n`);
  }
  return results.some((r) => r.status === 'fail') ? ExitCode.failure : ExitCode.ok;
}
