/**
 * --out-dir: one file per ICOM message, named after its PI-ResourceId made
 * filename-safe, `.xml`.
 *
 * Each file is written under a temporary name and renamed into place, so a
 * file under its final name is always whole (a crash leaves at most a hidden
 * `.….tmp`). A redelivered message keeps its PI-ResourceId, so it lands on
 * its own file again with the same content: the directory is idempotent
 * across runs. With fsync, each file is flushed before its rename and the
 * directory after the batch, so the renames are on disk before the batch is
 * acknowledged.
 */
import { mkdir, open, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { IcomMessage } from '../client/index.js';
import type { Sink } from './sink.js';

/** Longest file name most file systems take (NAME_MAX, bytes; ours are ASCII). */
const NAME_MAX = 255;

export class XmlDirSink implements Sink<IcomMessage> {
  readonly toStdout = false;
  private temporaries = 0;

  private constructor(
    private readonly dir: string,
    private readonly fsync: boolean,
  ) {}

  static async open(dir: string, fsync: boolean): Promise<XmlDirSink> {
    await mkdir(dir, { recursive: true });
    if (!(await stat(dir)).isDirectory()) throw new Error(`${dir} is not a directory`);
    return new XmlDirSink(dir, fsync);
  }

  get description(): string {
    return `${this.dir}${path.sep}`;
  }

  async write(messages: IcomMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const names = messages.map((message) => fileNameFor(message.resourceId));
    await Promise.all(messages.map((message, i) => this.writeOne(names[i]!, message.xml)));
    if (this.fsync) await flush(this.dir);
  }

  async close(): Promise<void> {
    // Every write is awaited by its collector; nothing is left open.
  }

  private async writeOne(name: string, xml: string): Promise<void> {
    const temporary = path.join(this.dir, `.${name}.${process.pid}-${(this.temporaries += 1)}.tmp`);
    if (this.fsync) {
      const file = await open(temporary, 'w');
      try {
        await file.writeFile(xml, 'utf8');
        await file.datasync();
      } finally {
        await file.close();
      }
    } else {
      await writeFile(temporary, xml, 'utf8');
    }
    await rename(temporary, path.join(this.dir, name));
  }
}

/**
 * `<id>.xml` with every character but A-Z, a-z, 0-9, `-` and `_` percent-encoded
 * (UTF-8, upper-case hex): `/` cannot reach another directory, `.` cannot
 * make `..` or a hidden file, and since `%` is encoded too, two ids never
 * share a name. ICOM's ids are base64: `+` and `/` become `%2B` and `%2F`.
 */
export function fileNameFor(resourceId: string): string {
  if (!resourceId) throw new Error('a message without a PI-ResourceId cannot be named');
  let safe: string;
  try {
    safe = encodeURIComponent(resourceId).replace(/[.!~*'()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  } catch {
    throw new Error(`PI-ResourceId ${JSON.stringify(resourceId)} is not valid text`);
  }
  const name = `${safe}.xml`;
  if (name.length > NAME_MAX) throw new Error(`PI-ResourceId ${JSON.stringify(resourceId.slice(0, 40))}… is too long for a file name`);
  return name;
}

/** fsync of a directory: makes the renames in it durable. */
async function flush(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
