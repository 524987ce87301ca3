/**
 * The reserve accounts as operators see them (GET and PUT
 * /api/util/accounts/{ispb}, and a statement of its entries): reads, and a
 * balance set for a rehearsal, booked as an adjustment in the ledger.
 */
import type { Database } from '../db/database.js';
import { formatCents } from './money.js';
import { adjustBalance } from './sql/adjust-balance.js';
import { openAccounts } from './sql/open-accounts.js';
import { readAccount, readEntries, type AccountRow } from './sql/read-account.js';

export interface AccountView {
  ispb: string;
  /** Reais, two decimals. */
  balance: string;
  openedAt: string;
  updatedAt: string;
}

export interface EntryView {
  movement: number;
  kind: 'opening' | 'adjustment' | 'transfer' | 'return';
  /** Negative for a debit. */
  amount: string;
  balanceAfter: string;
  /** The EndToEndId or RtrId of the instruction settled; null for an opening or an adjustment. */
  reference: string | null;
  bookedAt: string;
}

/** At most this many entries in one statement; `truncated` says there were more. */
export const STATEMENT_LIMIT = 10_000;

const signed = (cents: number) => (cents < 0 ? `-${formatCents(-cents)}` : formatCents(cents));

function view(row: AccountRow): AccountView {
  return { ispb: row.ispb, balance: formatCents(row.balanceCents), openedAt: row.openedAt.toISOString(), updatedAt: row.updatedAt.toISOString() };
}

export class Accounts {
  constructor(
    private readonly db: Database,
    private readonly openingCents: number,
  ) {}

  async find(ispb: string): Promise<AccountView | undefined> {
    const row = await readAccount(this.db, ispb);
    return row && view(row);
  }

  /** Opens the account if new (at the opening balance), then sets its balance. */
  async setBalance(ispb: string, cents: number): Promise<AccountView> {
    const at = new Date();
    return view(
      await this.db.transaction(async (client) => {
        await openAccounts(client, [ispb], this.openingCents, at);
        return adjustBalance(client, ispb, cents, at);
      }),
    );
  }

  /** Entries booked from `from` to before `to`, oldest first; undefined when the account is not open. */
  async statement(ispb: string, from: Date, to: Date): Promise<{ entries: EntryView[]; truncated: boolean } | undefined> {
    if (!(await readAccount(this.db, ispb))) return undefined;
    const rows = await readEntries(this.db, ispb, from, to, STATEMENT_LIMIT + 1);
    const entries = rows.slice(0, STATEMENT_LIMIT).map((e) => ({
      movement: e.movementId,
      kind: e.kind,
      amount: signed(e.amountCents),
      balanceAfter: formatCents(e.balanceAfterCents),
      reference: e.reference,
      bookedAt: e.bookedAt.toISOString(),
    }));
    return { entries, truncated: rows.length > STATEMENT_LIMIT };
  }
}
