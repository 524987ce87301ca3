/** Usage texts, printed by --help (stdout) and after a usage error (stderr). */
import { DEFAULT_BASE_URL, DEFAULT_COLLECTORS } from './args.js';
import { FLOW_DEFAULTS } from './flow/args.js';

export const MAIN_HELP = `Usage: pix-stream <command> [options]

Commands:
  collect    drain an ISPB's message stream into a file, as a bank's collectors would (JSON, or ICOM XML)
  generate   have the API generate random messages for an ISPB (and follow the job for large counts)
  flow       rehearse payer → receiver over ICOM: transfers, their pacs.002 answers, end-to-end latencies
  rehearse   the homologation capacity test against your participant, scored: pix-stream rehearse capacity --ispb P
  help       show help for a command: pix-stream help collect

Options:
  -h, --help   show help

Run "pix-stream <command> --help" for the command's options.
Exit codes: 0 done, 1 failed, 2 bad arguments, 130 interrupted (generate, flow, or a second Ctrl-C).
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

export const FLOW_HELP = `Usage: pix-stream flow --payer <ispb> --receiver <ispb> --count <n> [options]

Rehearses the PIX flow between two participants through the ICOM face and
measures it. The payer posts n credit transfers (pacs.008, random parties
made by the API's generator rules) to POST /api/v1/in/{payer}/msgs; the
receiver's collectors take them from its stream and answer each with a
pacs.002 (ACSP, or RJCT for the chosen share), posted as the receiver before
the batch is acknowledged; the payer's collectors take the reports. Matching
is by EndToEndId, redeliveries are recognised by PI-ResourceId.

Ends when every transfer is delivered and reported, or after --idle-exit
seconds with nothing new once all are posted; then prints counts, latencies
(posted → accepted, delivered, reported: p50 p90 p99 max) and rates.

Options:
      --payer <ispb>        the paying participant, 8 digits (required)
      --receiver <ispb>     the receiving participant, 8 digits, not the payer (required)
  -n, --count <n>           credit transfers to post, 1-1,000,000 (required)
      --reject-share <x>    share the receiver rejects, 0-1 (default ${FLOW_DEFAULTS.rejectShare}):
                            exactly round(n × x) transfers, picked at random
      --reject-reason <c>   the RJCT's reason code (default ${FLOW_DEFAULTS.rejectReason})
  -c, --collectors <n>      ICOM collectors on each side, 1-64 (default ${DEFAULT_COLLECTORS}; the
                            server allows 6 open streams per ISPB by default)
      --batch <n>           transfers per POST, 1-10 (default ${FLOW_DEFAULTS.batch}; above 1 multipart/mixed)
      --concurrency <n>     POSTs of transfers in flight, 1-64 (default ${FLOW_DEFAULTS.concurrency})
      --gzip                gzip the posted bodies (Content-Encoding: gzip)
      --idle-exit <s>       seconds of nothing new, after the last post, before giving up
                            on what is missing (default ${FLOW_DEFAULTS.idleExitS})
      --json                print the summary as JSON
      --base-url <url>      the API (default ${DEFAULT_BASE_URL})
  -h, --help                show this help

Exit codes: 0 every transfer delivered once and reported once with the status
given; 1 anything missing, doubled (one EndToEndId under two PI-ResourceIds),
refused by the API (admi.002) or failed; 2 bad arguments; 130 interrupted.
Posts are retried on network errors, 5xx and 429 with the same body: the API
is idempotent on BizMsgIdr, so a retry never stores a message twice.

Example:
  pix-stream flow --payer 11112222 --receiver 22223333 --count 1000 --reject-share 0.1
`;

export const REHEARSE_HELP = `Usage: pix-stream rehearse capacity --ispb <ispb> [options]

The homologation capacity test (Roteiro de Participação Direta, item 7),
scored before the official window. For --minutes, the virtual participant
99999A03 pays <ispb> at the rate while <ispb> pays 99999A04 at the same rate:
<ispb> is the bank under test, running its own ICOM client against this API
(it posts its pacs.008s, reads its stream, answers each pacs.008 with a
pacs.002). pix-stream measures from its own timestamps and prints a progress
line, then a scorecard:
  consumption (available on the stream → fetched): ≥ 99 % within 200 ms,
    as receiver and as payer
  answer as receiver (pacs.008 fetched → pacs.002 received): ≥ 50 % within
    1.4 s and ≥ 95 % within 2.3 s
  and the instructions settled, rejected and timed out (AB03).
Exit code 0 only when every criterion passes, 1 otherwise; Ctrl-C stops the
rehearsal on the server and scores what it saw (exit 130).

Options:
      --ispb <ispb>        the participant under test (required): 8 characters of 0-9 and A-Z
      --level <size>       small, medium or large: 1,000, 2,000 or 4,000 payments a minute (default small)
      --per-minute <n>     the rate instead, 1-12000
      --minutes <m>        how long, 0.1-60 (default 10)
      --base-url <url>     the API (default ${DEFAULT_BASE_URL})
      --json <file>        write the report as JSON: {"criteria": [{"name", "target", "measured", "pass"}], ...}
      --html <file>        write the report as one self-contained HTML page with its charts
  -h, --help               show this help
`;

export const HELP: Record<string, string> = { collect: COLLECT_HELP, generate: GENERATE_HELP, flow: FLOW_HELP, rehearse: REHEARSE_HELP };
