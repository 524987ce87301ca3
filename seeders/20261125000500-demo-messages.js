'use strict';

/**
 * A small, fixed demo data set for the README walkthrough: 24 pending messages
 * for ISPB 11112222 and 6 for 33334444, paid by customers of real participants.
 * Fixed values (valid CPF/CNPJ check digits) so `db:seed:undo:all` can remove exactly them.
 */
const DEMO_TX_ID = 'DEMO%PIXSTREAM';

const CLIENTS = [
  ['Ana Beatriz Carvalho', '71722296143', '11112222', '1', '100234', 'CACC'],
  ['Padaria Estrela do Norte ME', '93842199000186', '11112222', '42', '7781203', 'CACC'],
  ['Carlos Eduardo Lima', '24430200378', '33334444', '305', '55512', 'SVGS'],
  ['José Raimundo Souza', '50496845284', '00000000', '1234', '98765432', 'CACC'],
  ['Mariana Gonçalves Pereira', '67704941593', '60701190', '8120', '1200033', 'SLRY'],
  ['Tecnologia Horizonte S.A.', '70776742000199', '18236120', '1', '5500129', 'TRAN'],
  ['Luiz Fernando Araújo', '85851387009', '00360305', '3301', '4401299', 'CACC'],
  ['Souza & Filhos Comércio de Alimentos Ltda', '29859684000163', '90400888', '77', '120099', 'CACC'],
];
const PAYERS = [3, 4, 5, 6, 7];
const SUFFIXES = ['mvqYFT8cd4f', 'uVT2fxDkB9O', 'EOBjE1zxf45', 'EnrnspBm3zM', 'PQ2A1R2VaRw', 'IY6nhDbi2VX', 'IyM6DdBrz9v',
  'kW11K4W6Mty', 'PDAGKQsh77A', 'TtzuLrQPqyK', 'MeKc6HJrhmh', 'gwhnVkWHxu4', 'jg7vHFKbWgi', 'uLovFAtC3LS', 'Z4wacy0BWhj',
  'bj3OWaYEXqm', 'TMBcH92gk1H', 'r5EIax3ccfB', 'gOcpeyeuIGW', 'De9o8eTaRiW', 'EhHlQm0PNxY', 's0NmyvMF92T', 'oaCNnSo44dR',
  '37wRidpOTST', 'clBnZyZKECR', 'wafs03tmI4T', 'YmPp9WkucsQ', 'TCNURFtsLOi', '3MTW12odRtu', '6Dzg48tqZkp'];

module.exports = {
  async up(queryInterface) {
    const [[{ seeded }]] = await queryInterface.sequelize.query(
      'SELECT count(*)::int AS seeded FROM messages WHERE tx_id LIKE :demo', { replacements: { demo: DEMO_TX_ID } },
    );
    if (seeded > 0) return; // already there: seeding twice changes nothing
    const now = new Date();
    await queryInterface.bulkInsert(
      'clients',
      CLIENTS.map(([nome, cpfCnpj, ispb, agencia, conta, tipo]) => ({
        nome, cpf_cnpj: cpfCnpj, ispb, agencia, conta_transacional: conta, tipo_conta: tipo,
      })),
      { ignoreDuplicates: true },
    );
    const [rows] = await queryInterface.sequelize.query(
      'SELECT id, cpf_cnpj, ispb, agencia, conta_transacional FROM clients WHERE cpf_cnpj IN (:cpfs)',
      { replacements: { cpfs: CLIENTS.map((client) => client[1]) } },
    );
    // By the whole account (the unique key), not the CPF alone: the same person may bank elsewhere too.
    const idOf = (index) => {
      const [, cpfCnpj, ispb, agencia, conta] = CLIENTS[index];
      return rows.find((row) => row.cpf_cnpj === cpfCnpj && row.ispb === ispb && row.agencia === agencia && row.conta_transacional === conta);
    };
    const messages = SUFFIXES.map((suffix, i) => {
      const payer = idOf(PAYERS[i % PAYERS.length]);
      const receiver = idOf(i < 24 ? i % 2 : 2);
      const paidAt = new Date(now.getTime() - (SUFFIXES.length - i) * 61_000);
      const minute = paidAt.toISOString().replace(/[-T:]/g, '').slice(0, 12);
      return {
        end_to_end_id: `E${payer.ispb}${minute}${suffix}`,
        valor: (((i * 7919) % 50000) / 100 + 1).toFixed(2),
        payer_id: payer.id,
        receiver_id: receiver.id,
        receiver_ispb: receiver.ispb,
        campo_livre: i % 3 === 0 ? `Pedido ${1000 + i}` : '',
        tx_id: `DEMO${suffix}${String(i).padStart(4, '0')}PIXSTREAM`,
        paid_at: paidAt,
      };
    });
    await queryInterface.bulkInsert('messages', messages);
  },

  async down(queryInterface) {
    await queryInterface.sequelize.query('DELETE FROM messages WHERE tx_id LIKE :prefix', { replacements: { prefix: DEMO_TX_ID } });
    await queryInterface.sequelize.query(
      `DELETE FROM clients c WHERE c.cpf_cnpj IN (:cpfs)
         AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.payer_id = c.id OR m.receiver_id = c.id)`,
      { replacements: { cpfs: CLIENTS.map((client) => client[1]) } },
    );
  },
};
