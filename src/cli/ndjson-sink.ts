/**
 * Where collected messages go: one JSON object per line, appended to a file
 * (never truncated: a re-run adds to what an earlier run kept) or written to
 * stdout.
 *
 * `write` resolves only once the batch is handed to the operating system
 * (and, with fsync, on disk): the collector requests its next Pull-Next URI,
 * which acknowledges the batch, only after that. Writes are queued one after
 * another so batches of concurrent collectors never interleave.
 */
import { open, type FileHandle } from 'node:fs/promises';

export class NdjsonSink {
  private queue: Promise<void> = Promise.resolve();

  private constructor(
    private readonly file: FileHandle | null,
    private readonly fsync: boolean,
    readonly description: string,
  ) {}

  /** `target` is a path, or '-' for stdout. */
  static async open(target: string, fsync: boolean): Promise<NdjsonSink> {
    if (target === '-') {
      // A closed pipe (| head) fails the write's callback, which stops the run; without a
      // listener the same error would also crash the process before it closes its streams.
      process.stdout.on('error', () => undefined);
      return new NdjsonSink(null, false, 'stdout');
    }
    return new NdjsonSink(await open(target, 'a'), fsync, target);
  }

  get toStdout(): boolean {
    return this.file === null;
  }

  write(messages: unknown[]): Promise<void> {
    if (messages.length === 0) return Promise.resolve();
    const text = messages.map((message) => `${JSON.stringify(message)}\n`).join('');
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
