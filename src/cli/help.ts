/** Usage texts, printed by --help (stdout) and after a usage error (stderr). */
import { DEFAULT_BASE_URL, DEFAULT_COLLECTORS } from './args.js';

export const MAIN_HELP = `Usage: pix-stream <command> [options]

Commands:
  collect    drain an ISPB's message stream into a file, as a bank's collectors would (JSON, or ICOM XML)
  generate   have the API generate random messages for an ISPB (and follow the job for large counts)
  help       show help for a command: pix-stream help collect

Options:
  -h, --help   show help

Run "pix-stream <command> --help" for the command's options.
Exit codes: 0 done, 1 failed, 2 bad arguments, 130 interrupted (generate, or a second Ctrl-C).
`;

export const COLLECT_HELP = `Usage: pix-stream collect --ispb <ispb> [options]

Drains the ISPB's stream with concurrent collectors: each opens a stream and
follows its Pull-Next (with --icom: PI-Pull-Next). Every message is written
to --out before the next Pull-Next is requested (which acknowledges it), so
the output holds exactly what the server counts as acknowledged. Ctrl-C
(SIGINT) or SIGTERM stops: each collector's last batch is acknowledged with a
DELETE of its newest Pull-Next, which closes the stream; then a summary is
printed, exit code 0.

Options:
      --ispb <ispb>       receiving institution (required): 8 digits; with --icom,
                          8 characters of 0-9 and A-Z
      --icom              the ICOM face (/api/v1/out/{ispb}/stream, ISO 20022 XML)
                          instead of the challenge face (/api/pix/{ispb}/stream, JSON)
  -c, --collectors <n>    concurrent collectors, 1-64 (default ${DEFAULT_COLLECTORS}; the server allows
                          6 open streams per ISPB by default, extra ones wait on 429)
  -m, --multipart         ask for batches of up to 10 (Accept: multipart/json, or
                          multipart/mixed with --icom); default one message per request
  -o, --out <file>        append messages to this file, one per line: a JSON object,
                          or with --icom the message's XML (line breaks inside it
                          written as their one-line equivalents, or refused)
                          (default -: stdout, and the summary goes to stderr)
      --out-dir <dir>     with --icom: one file per message instead,
                          <dir>/<PI-ResourceId, percent-encoded>.xml
      --fsync             flush the output to disk before acknowledging each batch
      --idle-exit <n>     stop after n empty long polls (204) in a row on every collector
      --base-url <url>    the API (default ${DEFAULT_BASE_URL})
  -h, --help              show this help

Replies are asked gzip-compressed (Accept-Encoding: gzip).
Retries: 429 waits Retry-After and starts again; 503 waits Retry-After and
repeats the same URI (the server replays the batch); network errors repeat
the same URI with backoff up to 10 s; 404/410 starts a new stream.
A second Ctrl-C quits at once: open streams then expire on the server and
their unacknowledged batch is delivered again. Duplicates are counted by
endToEndId, or with --icom by PI-ResourceId (and then not written again).

Examples:
  pix-stream collect --ispb 12345678 --multipart --out messages.ndjson --idle-exit 3
  pix-stream collect --icom --ispb 12345678 --multipart --out-dir inbox/
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
