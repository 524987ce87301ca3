#!/usr/bin/env node
/**
 * pix-stream's command line (package.json "bin"): `collect`, `generate`,
 * `flow` and `rehearse` against a running API. It ships in the API's dist/: collect and
 * generate use only Node built-ins; flow also builds and reads ISO 20022
 * messages with the API's own modules (src/iso20022, the generator's rules).
 *
 * Exit codes: 0 done, 1 failed, 2 bad arguments, 130 interrupted.
 */
import { parseCollect, parseGenerate, UsageError } from './args.js';
import { collect } from './collect.js';
import { parseFlow } from './flow/args.js';
import { parseRehearse } from './rehearse/args.js';
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
    case 'flow': {
      const options = parseFlow(rest);
      if (!options) return help('flow');
      // Loaded only here: its XML reader and generator rules would slow every other command's start.
      const { flow } = await import('./flow/run.js');
      return flow(options);
    }
    case 'rehearse': {
      const options = parseRehearse(rest);
      if (!options) return help('rehearse');
      const { rehearse } = await import('./rehearse/run.js');
      return rehearse(options);
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
