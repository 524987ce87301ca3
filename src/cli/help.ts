/** Usage texts, printed by --help (stdout) and after a usage error (stderr). */
import { DEFAULT_BASE_URL, DEFAULT_COLLECTORS } from './args.js';

export const MAIN_HELP = `Usage: pix-stream <command> [options]

Commands:
  collect    drain an ISPB's message stream into an NDJSON file, as a bank's collectors would
  generate   have the API generate random messages for an ISPB (and follow the job for large counts)
  help       show help for a command: pix-stream help collect

Options:
  -h, --help   show help

Run "pix-stream <command> --help" for the command's options.
Exit codes: 0 done, 1 failed, 2 bad arguments, 130 interrupted (generate, or a second Ctrl-C).
`;

export const COLLECT_HELP = `Usage: pix-stream collect --ispb <8 digits> [options]

Drains the ISPB's stream with concurrent collectors: each opens a stream and
follows Pull-Next. Every message is written to --out as one JSON line before
the next Pull-Next is requested (which acknowledges it), so the file holds
exactly what the server counts as acknowledged. Ctrl-C (SIGINT) or SIGTERM
stops: each collector's last batch is acknowledged with a DELETE of its newest
Pull-Next, which closes the stream; then a summary is printed, exit code 0.

Options:
      --ispb <ispb>       receiving institution, 8 digits (required)
  -c, --collectors <n>    concurrent collectors, 1-64 (default ${DEFAULT_COLLECTORS}; the server allows
                          6 open streams per ISPB by default, extra ones wait on 429)
  -m, --multipart         ask for batches of up to 10 (Accept: multipart/json);
                          default one message per request
  -o, --out <file>        append messages to this file, one JSON object per line
                          (default -: stdout, and the summary goes to stderr)
      --fsync             flush the file to disk before acknowledging each batch
      --idle-exit <n>     stop after n empty long polls (204) in a row on every collector
      --base-url <url>    the API (default ${DEFAULT_BASE_URL})
  -h, --help              show this help

Retries: 429 waits Retry-After and starts again; 503 waits Retry-After and
repeats the same URI (the server replays the batch); network errors repeat
the same URI with backoff up to 10 s; 410 starts a new stream.
A second Ctrl-C quits at once: open streams then expire on the server and
their unacknowledged batch is delivered again (count on endToEndId).

Example:
  pix-stream collect --ispb 12345678 --multipart --out messages.ndjson --idle-exit 3
`;

export const GENERATE_HELP = `Usage: pix-stream generate --ispb <8 digits> --count <n> [options]

Asks the API for n random messages whose receiver is the ISPB
(POST /api/util/msgs/{ispb}/{n}). Up to the server's GENERATE_SYNC_MAX they are
made within the request; above it the server answers with a background job,
which is followed (every 500 ms, with a progress bar on a terminal) until it
completes (exit 0) or fails (exit 1).

Options:
      --ispb <ispb>       receiving institution, 8 digits (required)
  -n, --count <n>         how many messages, 1-10,000,000 (required)
      --base-url <url>    the API (default ${DEFAULT_BASE_URL})
  -h, --help              show this help

Example:
  pix-stream generate --ispb 12345678 --count 250000
`;

export const HELP: Record<string, string> = { collect: COLLECT_HELP, generate: GENERATE_HELP };
