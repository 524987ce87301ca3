/**
 * The dashboard's SPI table: per participant its reserve balance and what the
 * SPI decided for it in the last minute. Which participants: the pinned ones,
 * then those with decisions in the window (most decided first), then the
 * accounts that moved last, at most MAX_SHOWN (or every pinned one).
 */
import type { AccountBalance, DashboardSnapshot, SettlementStats } from '../../inspection/dashboard.js';
import { formatCents } from '../../spi/money.js';

const round1 = (value: number | null) => (value === null ? null : Math.round(value * 10) / 10);
const decisions = (s: SettlementStats) => s.settled + Object.values(s.rejections).reduce((sum, n) => sum + n, 0);

function pickParticipants(stats: SettlementStats[], balances: AccountBalance[], pinned: string[], maxShown: number): string[] {
  const busiest = [...stats].sort((a, b) => decisions(b) - decisions(a)).map((s) => s.ispb);
  const shown = new Set([...pinned, ...busiest, ...balances.map((b) => b.ispb)]);
  return [...shown].slice(0, Math.max(maxShown, pinned.length));
}

export function spiView(snapshot: DashboardSnapshot, pinned: string[], maxShown: number) {
  const { windowS, stats, balances } = snapshot.spi;
  const statsOf = new Map(stats.map((s) => [s.ispb, s]));
  const balanceOf = new Map(balances.map((b) => [b.ispb, b.balanceCents]));
  return {
    windowSeconds: windowS,
    participants: pickParticipants(stats, balances, pinned, maxShown).map((ispb) => {
      const s = statsOf.get(ispb);
      const cents = balanceOf.get(ispb);
      return {
        ispb,
        balance: cents === undefined ? null : formatCents(cents),
        settled: s?.settled ?? 0,
        settledPerSecond: round1((s?.settled ?? 0) / windowS),
        rejections: s?.rejections ?? {},
        ab03: s?.rejections.AB03 ?? 0,
        latencyP50Ms: round1(s?.latencyP50Ms ?? null),
        latencyP95Ms: round1(s?.latencyP95Ms ?? null),
      };
    }),
  };
}
