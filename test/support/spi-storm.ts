/**
 * A settlement storm for the multi-process tests: a few participants pay each
 * other at random through several API processes, each receiver accepting,
 * rejecting or ignoring each payment by a plan and posting every acceptance
 * twice at once to two processes. Any request that meets a dead process is
 * sent again to a live one, as a bank's client would; what a stream delivers
 * twice (a batch of a killed process comes back) is told apart by PI-ResourceId.
 */
import type { ApiProcess } from './api-process';
import { creditTransfer } from './icom-post';
import { Bank, type Seen } from './spi-bank';
import { textAt } from './spi-dom';

export type Plan = 'accept' | 'reject' | 'silent';

export interface Sent {
  endToEndId: string;
  payer: string;
  receiver: string;
  cents: number;
  plan: Plan;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const gone = (p: ApiProcess) => p.child.exitCode !== null || p.child.signalCode !== null;

export class Storm {
  readonly sent = new Map<string, Sent>();
  /** Per participant, what its stream delivered, by PI-ResourceId. */
  readonly seen = new Map<string, Map<string, Seen>>();
  deliveredTwice = 0;
  /** The PI-ResourceIds of each pair of simultaneous acceptances. */
  readonly acceptances: [string[], string[]][] = [];
  private turn = 0;

  constructor(
    private readonly processes: ApiProcess[],
    readonly participants: string[],
  ) {
    for (const ispb of participants) this.seen.set(ispb, new Map());
  }

  private live(skip = 0): ApiProcess {
    const live = this.processes.filter((p) => !gone(p));
    if (live.length === 0) throw new Error('no API process is alive');
    return live[(this.turn++ + skip) % live.length]!;
  }

  /** Runs `op` on a live process, again on another while the one it met died or was at capacity. */
  async attempt<T>(ispb: string, op: (bank: Bank) => Promise<T>, skip = 0): Promise<T> {
    for (let tries = 0; ; tries++) {
      const process = this.live(skip);
      try {
        return await op(new Bank(process.url, ispb));
      } catch (error) {
        const busy = /answered 503/.test(String(error));
        if (tries > 40 || (!gone(process) && !busy && !/ECONNREFUSED|ECONNRESET|socket hang up|fetch failed|EPIPE/.test(String(error)))) throw error;
        await sleep(100);
      }
    }
  }

  /** One payer's share: `count` payments of 1.00 to 300.00 to the others, one after another. */
  async pay(payer: string, count: number, plan: () => Plan): Promise<void> {
    const others = this.participants.filter((p) => p !== payer);
    for (let i = 0; i < count; i++) {
      const receiver = others[Math.floor(Math.random() * others.length)]!;
      const cents = 100 + Math.floor(Math.random() * 29_900);
      const transfer = creditTransfer(payer, receiver, cents / 100);
      this.sent.set(transfer.endToEndId, { endToEndId: transfer.endToEndId, payer, receiver, cents, plan: plan() });
      await this.attempt(payer, (bank) => bank.send([transfer.xml]));
    }
  }

  /** Drains `ispb`'s stream and answers each payment it brings by its plan, until `until()`. */
  async receive(ispb: string, until: () => boolean): Promise<void> {
    const seen = this.seen.get(ispb)!;
    while (!until()) {
      // Kept as they come: a drain cut by a dead process had its earlier batches acknowledged.
      const arrived: Seen[] = [];
      await this.attempt(ispb, (bank) => bank.inbox((m) => arrived.push(m)));
      for (const m of arrived) {
        if (seen.has(m.resourceId)) {
          this.deliveredTwice++;
          continue;
        }
        seen.set(m.resourceId, m);
        if (m.kind === 'pacs.008') await this.answer(ispb, textAt(m.view.body, m.view.ns, 'CdtTrfTxInf', 'PmtId', 'EndToEndId'));
      }
    }
  }

  private async answer(ispb: string, endToEndId: string): Promise<void> {
    const sent = this.sent.get(endToEndId)!;
    if (sent.plan === 'silent') return;
    const xml = new Bank('', ispb).answerXml(endToEndId, sent.plan === 'accept' ? 'ACSP' : 'RJCT', sent.plan === 'accept' ? null : 'AC03');
    if (sent.plan === 'reject') {
      await this.attempt(ispb, (bank) => bank.send([xml]));
      return;
    }
    this.acceptances.push(await Promise.all([this.attempt(ispb, (bank) => bank.send([xml])), this.attempt(ispb, (bank) => bank.send([xml]), 1)]));
  }

  /** The pacs.002s `ispb` received about payment `endToEndId`. */
  reportsAt(ispb: string, endToEndId: string): Seen[] {
    return [...this.seen.get(ispb)!.values()].filter((m) => m.kind === 'pacs.002' && m.instruction === endToEndId);
  }

  /** Every payment has its outcome at its payer, and the receiver has been told what it must be. */
  decided(): boolean {
    return this.sent.size > 0 && this.undecided().length === 0;
  }

  /** The payments whose payer has no outcome yet, or whose receiver has not been told it. */
  undecided(): Sent[] {
    return [...this.sent.values()].filter((s) => {
      const [outcome] = this.reportsAt(s.payer, s.endToEndId);
      if (!outcome) return true;
      return (outcome.status === 'ACSC' || ['AB03', 'AM04'].includes(outcome.reason ?? '')) && this.reportsAt(s.receiver, s.endToEndId).length === 0;
    });
  }

  /** Each participant's balance in cents as the outcomes its stream reported make it. */
  expectedBalances(openingCents: number): Map<string, number> {
    const balances = new Map(this.participants.map((p) => [p, openingCents]));
    for (const s of this.sent.values()) {
      if (this.reportsAt(s.payer, s.endToEndId)[0]?.status !== 'ACSC') continue;
      balances.set(s.payer, balances.get(s.payer)! - s.cents);
      balances.set(s.receiver, balances.get(s.receiver)! + s.cents);
    }
    return balances;
  }
}
