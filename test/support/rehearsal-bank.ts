/**
 * A bank under test in a capacity rehearsal, built on pix-stream's client
 * library as a bank's Node service would be: `collectors` ICOM streams
 * (multipart, gzip) read everything addressed to it; each pacs.008 is
 * answered ACSP after `answerDelayMs` (without holding up the stream: the
 * next batch is asked for at once); meanwhile it pays 99999A04 `perMinute`
 * times a minute. Messages are read by @xmldom/xmldom (spi-dom.ts).
 */
import { openStream, type IcomMessage } from '../../src/client';
import { creditTransfer, post, statusReport } from './icom-post';
import { spiView, textAt } from './spi-dom';

export interface BankUnderTestOptions {
  baseUrl: string;
  ispb: string;
  perMinute: number;
  minutes: number;
  answerDelayMs: number;
  collectors?: number;
}

export class BankUnderTest {
  private readonly stop = new AbortController();
  private readonly pending = new Set<Promise<unknown>>();
  private running: Promise<unknown> | undefined;
  readonly counts = { fetched: 0, answered: 0, paid: 0, failedPosts: 0 };

  constructor(private readonly options: BankUnderTestOptions) {}

  start(): void {
    const collectors = Array.from({ length: this.options.collectors ?? 3 }, () => this.collect());
    this.running = Promise.all([...collectors, this.pay()]);
  }

  /** Stops paying and reading; waits for answers already scheduled. */
  async close(): Promise<void> {
    this.stop.abort();
    await this.running;
    await Promise.all(this.pending);
  }

  private track(work: Promise<unknown>): void {
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
  }

  /** Posts one message; a refusal or a network error is counted, not thrown (the test reads the counts). */
  private async send(xml: string): Promise<boolean> {
    const reply = await post(this.options.baseUrl, this.options.ispb, [xml]).catch(() => undefined);
    if (reply?.status === 201) return true;
    this.counts.failedPosts++;
    return false;
  }

  private async collect(): Promise<void> {
    const stream = openStream({ baseUrl: this.options.baseUrl, ispb: this.options.ispb, face: 'icom', multipart: true, signal: this.stop.signal });
    try {
      for await (const batch of stream) for (const message of batch.messages) this.take(message);
    } catch (err) {
      if (!this.stop.signal.aborted) throw err;
    }
    await stream.close();
  }

  private take(message: IcomMessage): void {
    this.counts.fetched++;
    const view = spiView(message.xml);
    if (!view.header.msgDefIdr.startsWith('pacs.008')) return;
    const endToEndId = textAt(view.body, view.ns, 'CdtTrfTxInf', 'PmtId', 'EndToEndId');
    const answer = new Promise((resolve) => setTimeout(resolve, this.options.answerDelayMs)).then(async () => {
      if (await this.send(statusReport(this.options.ispb, endToEndId, 'ACSP').xml)) this.counts.answered++;
    });
    this.track(answer);
  }

  private async pay(): Promise<void> {
    const { perMinute, minutes } = this.options;
    const total = Math.round(perMinute * minutes);
    const startedAt = Date.now();
    for (let n = 0; n < total && !this.stop.signal.aborted; n++) {
      const dueAt = startedAt + (n * 60_000) / perMinute;
      const wait = dueAt - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      this.track(this.send(creditTransfer(this.options.ispb, '99999A04', 10).xml).then((sent) => sent && this.counts.paid++));
    }
  }
}
