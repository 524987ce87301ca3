/** What `collect` writes to: a file of lines, stdout, or a directory of XML files. */
import type { ChallengeMessage, IcomMessage } from '../client/index.js';

export type CliMessage = ChallengeMessage | IcomMessage;

export interface Sink<M> {
  /** The file, directory or stdout, for messages. */
  readonly description: string;
  /** Messages go to stdout (so the summary goes to stderr). */
  readonly toStdout: boolean;
  /** Resolves once the messages are handed to the operating system (and with --fsync, on disk). */
  write(messages: M[]): Promise<void>;
  close(): Promise<void>;
}
