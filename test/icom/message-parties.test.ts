/**
 * Every stored credit transfer names a payer and a receiver that are rows of
 * `clients`, at the ISPBs the message travels between, for both writers: the
 * generator and ICOM inbound. Concurrent POSTs naming the same new accounts
 * store each account once and all name that row (inbound/sql/upsert-parties.ts),
 * also when one POST's insert waits for another writer's uncommitted row.
 */
import { randomIspb } from '../support/factories';
import { post } from '../support/icom-post';
import { randomMessage, seeded } from '../support/random-pix';
import { startTestServer, type TestServer } from '../support/server';
import { newBizMsgIdr, newEndToEndId } from '../../src/iso20022/ids';
import { SPI_ISPB, type Party } from '../../src/iso20022/message';
import { renderPacs008 } from '../../src/iso20022/pacs008';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

interface StoredParties {
  sender: string | null;
  receiver: string;
  payerIspb: string | null;
  receiverClientIspb: string | null;
}

/** The credit transfers received by `ispbs`, with the ISPBs of the client rows they name (null: no such row). */
async function partiesOf(ispbs: string[]): Promise<StoredParties[]> {
  const { rows } = await server.db.query<StoredParties>(
    `SELECT m.sender_ispb AS sender, m.receiver_ispb AS receiver, p.ispb AS "payerIspb", r.ispb AS "receiverClientIspb"
       FROM messages m LEFT JOIN clients p ON p.id = m.payer_id LEFT JOIN clients r ON r.id = m.receiver_id
      WHERE m.kind = 'pacs.008' AND m.receiver_ispb = ANY ($1::text[])`,
    [ispbs],
  );
  return rows;
}

let seed = Date.now() % 1_000_000;

/** A pacs.008 from `payer` to `receiver`, accounts as given. */
function transferBetween(payer: Party, receiver: Party): string {
  const message = { ...randomMessage(seeded(seed++)), endToEndId: newEndToEndId(payer.ispb), pagador: payer, recebedor: receiver };
  return renderPacs008(message, { bizMsgIdr: newBizMsgIdr(payer.ispb), from: payer.ispb, to: SPI_ISPB, createdAt: new Date() });
}

function accountAt(ispb: string): Party {
  return { ...randomMessage(seeded(seed++)).pagador, ispb };
}

it('generated messages name clients of the receiving ISPB that exist', async () => {
  const receiver = randomIspb();
  const created = await fetch(`${server.url}/api/util/msgs/${receiver}/40`, { method: 'POST' });
  expect(created.status).toBe(201);
  const parties = await partiesOf([receiver]);
  expect(parties).toHaveLength(40);
  for (const stored of parties) {
    expect(stored.payerIspb).not.toBeNull();
    expect(stored.receiverClientIspb).toBe(receiver);
  }
});

it('posted transfers name stored clients at their sender and receiver, one row per account however many POSTs race', async () => {
  const [payerIspb, receiverIspb] = [randomIspb(), randomIspb()];
  const payer = accountAt(payerIspb);
  const receivers = [accountAt(receiverIspb), accountAt(receiverIspb)];
  // Eight POSTs at once, each naming the same new payer account and one of two new receiver accounts.
  const replies = await Promise.all(Array.from({ length: 8 }, (_, i) => post(server.url, payerIspb, [transferBetween(payer, receivers[i % 2])])));
  expect(replies.map((reply) => reply.status)).toEqual(Array(8).fill(201));

  const parties = await partiesOf([receiverIspb]);
  expect(parties).toHaveLength(8);
  for (const stored of parties) expect(stored).toEqual({ sender: payerIspb, receiver: receiverIspb, payerIspb, receiverClientIspb: receiverIspb });
  const { rows } = await server.db.query<{ ispb: string; accounts: number }>(
    'SELECT ispb, count(*)::int AS accounts FROM clients WHERE ispb = ANY ($1::char(8)[]) GROUP BY ispb ORDER BY ispb',
    [[payerIspb, receiverIspb]],
  );
  expect(rows).toEqual(
    [
      { ispb: payerIspb, accounts: 1 },
      { ispb: receiverIspb, accounts: 2 },
    ].sort((a, b) => a.ispb.localeCompare(b.ispb)),
  );
});

it('a POST naming an account another writer inserted but had not committed names that row once it commits', async () => {
  const [payerIspb, receiverIspb] = [randomIspb(), randomIspb()];
  const payer = accountAt(payerIspb);
  const holder = await server.db.pool.connect();
  try {
    await holder.query('BEGIN');
    const { rows } = await holder.query<{ id: string; pid: number }>(
      `INSERT INTO clients (nome, cpf_cnpj, ispb, agencia, conta_transacional, tipo_conta) VALUES ($1, $2, $3, $4, $5, $6)
       RETURNING id, pg_backend_pid() AS pid`,
      [payer.nome, payer.cpfCnpj, payer.ispb, payer.agencia, payer.contaTransacional, payer.tipoConta],
    );
    const reply = post(server.url, payerIspb, [transferBetween(payer, accountAt(receiverIspb))]);
    // The POST's insert of the same account now waits on the holder: commit only once it does.
    for (let waiting = 0; waiting === 0; ) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      const blocked = await server.db.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE $1 = ANY (pg_blocking_pids(pid))', [rows[0].pid]);
      waiting = blocked.rows[0].n;
    }
    await holder.query('COMMIT');
    expect((await reply).status).toBe(201);
    const stored = await server.db.query<{ payer_id: string }>('SELECT payer_id FROM messages WHERE receiver_ispb = $1', [receiverIspb]);
    expect(stored.rows).toEqual([{ payer_id: rows[0].id }]);
  } finally {
    // Closed, not pooled: a test that failed before COMMIT leaves it inside its transaction.
    holder.release(true);
  }
});
