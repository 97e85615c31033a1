/** `xalt quarantine show ID`: one entry, and the bytes ingest kept of it. */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { quarantineEntry } from '../../query/quarantine-entries.js';
import { flag, stringOption, type CommandArgs } from '../command-args.js';
import { ExitCode, UserError } from '../../errors.js';
import { quarantineEntryJson, quarantineEntryText, type KeptCopy } from '../../query/quarantine-document.js';
import { openReadStore } from '../../db/read-store.js';

/** Shown at most: a record is KiBs; a bigger copy is damage, and its start says enough. */
const MAX_SHOWN = 1024 * 1024;

/** Read the kept copy without following a symlink planted in its place. */
function readCopy(path: string | null): KeptCopy {
  if (path === null) return { state: 'none' };
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { state: 'unreadable', why: code === 'ENOENT' ? 'no longer there' : code === 'ELOOP' ? 'a symbolic link, not read' : (err as Error).message };
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return { state: 'unreadable', why: 'not a regular file' };
    const bytes = Buffer.alloc(Math.min(st.size, MAX_SHOWN));
    let off = 0;
    while (off < bytes.length) {
      const n = readSync(fd, bytes, off, bytes.length - off, off);
      if (n === 0) break;
      off += n;
    }
    return { state: 'read', bytes: bytes.subarray(0, off), size: st.size, truncated: st.size > off };
  } catch (err) {
    return { state: 'unreadable', why: (err as Error).message };
  } finally {
    closeSync(fd);
  }
}

export async function run(args: CommandArgs): Promise<number> {
  const idText = args.positionals[0];
  if (idText === undefined || args.positionals.length > 1 || !/^\d+$/.test(idText)) {
    throw new UserError('XALT_USAGE', `xalt quarantine show: expected one entry ID (a number), got ${args.positionals.length ? args.positionals.join(' ') : 'none'}`, '"xalt quarantine list" gives the IDs');
  }
  const store = await openReadStore(stringOption(args, 'db'), stringOption(args, 'config'));
  try {
    const entry = await quarantineEntry(store, Number(idText));
    if (!entry) {
      if (!flag(args, 'quiet')) args.stderr.write(`xalt: no quarantine entry ${idText}\n`);
      return ExitCode.notFound;
    }
    const copy = readCopy(entry.stored_as);
    args.stdout.write(flag(args, 'json') ? quarantineEntryJson(entry, copy) : quarantineEntryText(entry, copy));
    return ExitCode.ok;
  } finally {
    await store.close();
  }
}
