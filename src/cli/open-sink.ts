/** Where `collect` writes what it receives, chosen by --out / --out-dir and the face. */
import type { IcomMessage } from '../client/index.js';
import type { CollectOptions } from './args.js';
import { XmlDirSink } from './dir-sink.js';
import { LineSink } from './line-sink.js';
import type { CliMessage, Sink } from './sink.js';
import { xmlOnOneLine, XmlLineError } from './xml-line.js';

export function openSink(options: CollectOptions): Promise<Sink<CliMessage>> {
  if (options.outDir !== null) return XmlDirSink.open(options.outDir, options.fsync) as Promise<Sink<CliMessage>>;
  if (options.icom) return LineSink.open(options.out, options.fsync, xmlLine);
  return LineSink.open(options.out, options.fsync, (message: CliMessage) => JSON.stringify(message));
}

function xmlLine(message: CliMessage): string {
  try {
    return xmlOnOneLine((message as IcomMessage).xml);
  } catch (err) {
    if (err instanceof XmlLineError) throw new XmlLineError(`${err.message}; --out-dir writes such messages whole`);
    throw err;
  }
}
