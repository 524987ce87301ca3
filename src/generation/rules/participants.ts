/**
 * A sample of real PIX participants with their real ISPB (the 8-digit code that
 * identifies an institution in the Brazilian payment system, SPB). Generated
 * messages pick payer ISPBs from this list so that they look like real traffic.
 * It is not the full participant directory published by the Central Bank.
 */
export const PARTICIPANTS: readonly { ispb: string; name: string }[] = [
  { ispb: '00000000', name: 'Banco do Brasil' },
  { ispb: '00000208', name: 'BRB - Banco de Brasília' },
  { ispb: '00360305', name: 'Caixa Econômica Federal' },
  { ispb: '00416968', name: 'Banco Inter' },
  { ispb: '01181521', name: 'Banco Cooperativo Sicredi' },
  { ispb: '02038232', name: 'Banco Sicoob' },
  { ispb: '04902979', name: 'Banco da Amazônia' },
  { ispb: '07237373', name: 'Banco do Nordeste do Brasil' },
  { ispb: '08561701', name: 'PagSeguro Internet' },
  { ispb: '10573521', name: 'Mercado Pago' },
  { ispb: '16501555', name: 'Stone Instituição de Pagamento' },
  { ispb: '17184037', name: 'Banco Mercantil do Brasil' },
  { ispb: '18236120', name: 'Nu Pagamentos' },
  { ispb: '22896431', name: 'PicPay' },
  { ispb: '28127603', name: 'Banestes' },
  { ispb: '30306294', name: 'Banco BTG Pactual' },
  { ispb: '31872495', name: 'Banco C6' },
  { ispb: '58160789', name: 'Banco Safra' },
  { ispb: '59285411', name: 'Banco Pan' },
  { ispb: '59588111', name: 'Banco Votorantim' },
  { ispb: '60701190', name: 'Itaú Unibanco' },
  { ispb: '60746948', name: 'Banco Bradesco' },
  { ispb: '62232889', name: 'Banco Daycoval' },
  { ispb: '90400888', name: 'Banco Santander (Brasil)' },
  { ispb: '92702067', name: 'Banrisul' },
  { ispb: '92894922', name: 'Banco Original' },
];
