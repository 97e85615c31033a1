/**
 * `xalt`'s stdout and stderr: text written to the file descriptor with write(2). Node's
 * process.stdout and process.stderr are made on first use, and making one loads Node's stream
 * machinery: ~3 ms each of a whole `xalt find`, a tenth of its budget (docs/find.md). Should
 * the descriptor not take the text at once — a non-blocking pipe that is full (EAGAIN), a
 * other error — that text and everything after it goes to Node's stream. A reader that went
 * away (EPIPE: `xalt find | head`) is no error of the command's: what is written after that is
 * dropped, on either path, and the command ends as it would have.
 */
import { writeSync } from 'node:fs';
import type { Output } from './command-args.js';

export class FdOutput implements Output {
  /** Node's stream, once a write went to it: later text follows it there, in order */
  private stream: NodeJS.WriteStream | undefined;
  /** the reader went away: nothing more is written */
  private readerGone = false;

  constructor(private readonly fd: 1 | 2) {}

  /** asked only by what draws progress (ingest): Node's stream knows */
  get isTTY(): boolean {
    return this.nodeStream().isTTY === true;
  }

  private nodeStream(): NodeJS.WriteStream {
    return this.fd === 1 ? process.stdout : process.stderr;
  }

  write(text: string): boolean {
    if (this.readerGone) return true;
    if (this.stream) return this.stream.write(text);
    const bytes = Buffer.from(text);
    let done = 0;
    try {
      while (done < bytes.length) done += writeSync(this.fd, bytes, done);
      return true;
    } catch (err) {
      if (isReaderGone(err)) return (this.readerGone = true);
      this.stream = this.nodeStream();
      this.stream.on('error', (e) => {
        if (!isReaderGone(e)) throw e;
        this.readerGone = true;
      });
      return this.stream.write(bytes.subarray(done));
    }
  }
}

const isReaderGone = (err: unknown) => (err as NodeJS.ErrnoException | null)?.code === 'EPIPE';
