/**
 * Where collected messages go by default: one message per line (a JSON
 * object, or an ICOM message's XML), appended to a file (never truncated: a
 * re-run adds to what an earlier run kept) or written to stdout.
 *
 * `write` resolves only once the batch is handed to the operating system
 * (and, with fsync, on disk): the collector asks for the next batch, which
 * acknowledges this one, only after that. Writes are queued one after
 * another so batches of concurrent collectors never interleave.
 */
import { open, type FileHandle } from 'node:fs/promises';
import type { Sink } from './sink.js';

export class LineSink<M> implements Sink<M> {
  private queue: Promise<void> = Promise.resolve();

  private constructor(
    private readonly file: FileHandle | null,
    private readonly fsync: boolean,
    /** One message as one line, without its line end; throws for a message that cannot be one. */
    private readonly toLine: (message: M) => string,
    readonly description: string,
  ) {}

  /** `target` is a path, or '-' for stdout. */
  static async open<M>(target: string, fsync: boolean, toLine: (message: M) => string): Promise<LineSink<M>> {
    if (target === '-') {
      // A closed pipe (| head) fails the write's callback, which stops the run; without a
      // listener the same error would also crash the process before it closes its streams.
      process.stdout.on('error', () => undefined);
      return new LineSink(null, false, toLine, 'stdout');
    }
    return new LineSink(await open(target, 'a'), fsync, toLine, target);
  }

  get toStdout(): boolean {
    return this.file === null;
  }

  write(messages: M[]): Promise<void> {
    if (messages.length === 0) return Promise.resolve();
    let text: string;
    try {
      text = messages.map((message) => `${this.toLine(message)}\n`).join('');
    } catch (err) {
      return Promise.reject(err);
    }
    const done = this.queue.then(() => this.append(text));
    this.queue = done.catch(() => undefined); // one failed write must not wedge the queue
    return done;
  }

  async close(): Promise<void> {
    await this.queue;
    await this.file?.close();
  }

  private async append(text: string): Promise<void> {
    if (!this.file) {
      await new Promise<void>((resolve, reject) => process.stdout.write(text, (err) => (err ? reject(err) : resolve())));
      return;
    }
    await this.file.appendFile(text, 'utf8');
    if (this.fsync) await this.file.datasync();
  }
}
