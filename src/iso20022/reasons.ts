/**
 * The reason codes the catalogue's schemas take (5.13.1): pacs.002.spi.1.17's
 * ExternalStatusReason1Code enumeration, and pacs.004.spi.1.5's return
 * reasons (docs/spi.md names what the SPI itself uses: AB03, AM04, AM09, DUPL).
 */
export const PACS002_REASONS: ReadonlySet<string> = new Set([
  'AB03', 'AB09', 'AB11', 'AC03', 'AC06', 'AC07', 'AC14', 'AG03', 'AG12', 'AG13', 'AGNT', 'AM01', 'AM02', 'AM04', 'AM09', 'AM12',
  'AM18', 'AM23', 'BE01', 'BE05', 'BE15', 'BE17', 'CH11', 'CH16', 'CN01', 'DS02', 'DS04', 'DS0G', 'DS27', 'DT02', 'DT05', 'DU03',
  'DUPL', 'ED05', 'FF07', 'FF08', 'FRAD', 'INDT', 'MD01', 'RC09', 'RC10', 'RR04', 'RR06', 'SL02', 'UPAY',
]); // prettier-ignore

export const PACS004_REASONS: ReadonlySet<string> = new Set(['BE08', 'FR01', 'MD06', 'SL02']);

/** As a pattern for the readers' error messages. */
export const reasonRule = (codes: ReadonlySet<string>) => new RegExp(`^(${[...codes].join('|')})$`);
