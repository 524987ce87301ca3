#!/usr/bin/env node
/**
 * pix-stream's command line (package.json "bin"): `collect` and `generate`
 * against a running API. Only Node built-ins, so it runs wherever the API's
 * dist/ does.
 *
 * Exit codes: 0 done, 1 failed, 2 bad arguments, 130 interrupted.
 */
import { parseCollect, parseGenerate, UsageError } from './args.js';
import { collect } from './collect.js';
import { generate } from './generate.js';
import { HELP, MAIN_HELP } from './help.js';
import { closeAgents } from './http.js';

async function run(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
      process.stderr.write(MAIN_HELP);
      return 2;
    case '-h':
    case '--help':
      process.stdout.write(MAIN_HELP);
      return 0;
    case 'help': {
      const topic = rest[0];
      if (topic !== undefined && !HELP[topic]) throw new UsageError(`no help for unknown command "${topic}"`);
      process.stdout.write(topic ? HELP[topic] : MAIN_HELP);
      return 0;
    }
    case 'collect': {
      const options = parseCollect(rest);
      if (!options) return help('collect');
      return collect(options);
    }
    case 'generate': {
      const options = parseGenerate(rest);
      if (!options) return help('generate');
      return generate(options);
    }
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

function help(command: string): number {
  process.stdout.write(HELP[command]);
  return 0;
}

run(process.argv.slice(2)).then(
  (code) => finish(code),
  (err: unknown) => {
    if (err instanceof UsageError) {
      const more = err.command ? `pix-stream ${err.command} --help` : 'pix-stream --help';
      process.stderr.write(`pix-stream: ${err.message}\nRun "${more}" for usage.\n`);
      finish(2);
    } else {
      process.stderr.write(`pix-stream: ${(err as Error)?.stack ?? String(err)}\n`);
      finish(1);
    }
  },
);

/** Exits even if an idle keep-alive socket or a stray timer would keep the process up. */
function finish(code: number): void {
  closeAgents();
  process.exit(code);
}
