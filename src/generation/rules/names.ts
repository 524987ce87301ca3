import { pick, randomInt } from './random.js';

// Common Brazilian given names, spelled with their usual accents. Kept apart by
// sex so that a compound name ("Maria Aparecida", "João Paulo") stays consistent.
const FEMALE_FIRST_NAMES = [
  'Maria', 'Ana', 'Francisca', 'Antônia', 'Adriana', 'Juliana', 'Márcia', 'Fernanda',
  'Patrícia', 'Aline', 'Conceição', 'Letícia', 'Beatriz', 'Luíza', 'Camila', 'Jéssica',
  'Larissa', 'Vitória', 'Cecília', 'Helena', 'Simone', 'Gabriela', 'Sônia', 'Lúcia',
];
const MALE_FIRST_NAMES = [
  'José', 'João', 'Antônio', 'Francisco', 'Carlos', 'Paulo', 'Pedro', 'Lucas',
  'Luiz', 'Marcos', 'Luís', 'Gabriel', 'Rafael', 'Daniel', 'Marcelo', 'Bruno',
  'Eduardo', 'Felipe', 'Raimundo', 'Rodrigo', 'Sebastião', 'Matheus', 'Thiago', 'Vinícius',
  'Fábio', 'Júlio', 'André', 'Caio', 'Otávio', 'Cícero',
];

// Second given names that commonly follow the first one.
const FEMALE_MIDDLE_NAMES = ['Aparecida', 'de Fátima', 'das Graças', 'Eduarda', 'Clara', 'Cristina', 'Helena'];
const MALE_MIDDLE_NAMES = ['Henrique', 'Augusto', 'Antônio', 'Paulo', 'Carlos', 'Eduardo', 'Vítor'];

// Common Brazilian surnames.
const SURNAMES = [
  'Silva', 'Santos', 'Oliveira', 'Souza', 'Rodrigues', 'Ferreira', 'Alves', 'Pereira',
  'Lima', 'Gomes', 'Costa', 'Ribeiro', 'Martins', 'Carvalho', 'Almeida', 'Lopes',
  'Soares', 'Fernandes', 'Vieira', 'Barbosa', 'Rocha', 'Dias', 'Nascimento', 'Andrade',
  'Moreira', 'Nunes', 'Marques', 'Machado', 'Mendes', 'Freitas', 'Cardoso', 'Ramos',
  'Gonçalves', 'Santana', 'Teixeira', 'Araújo', 'Conceição', 'Magalhães', 'Assunção',
  'Brandão', 'Falcão', 'Guimarães', 'Monteiro', 'Pinheiro', 'Cavalcanti', 'Sampaio',
];

/** e.g. "Maria Aparecida Souza", "João Pereira Lima", "Letícia Gonçalves". */
export function randomPersonName(): string {
  const female = randomInt(0, 1) === 1;
  const parts = [pick(female ? FEMALE_FIRST_NAMES : MALE_FIRST_NAMES)];
  // About a third of people are known by a compound given name.
  if (randomInt(1, 3) === 1) {
    let middle = pick(female ? FEMALE_MIDDLE_NAMES : MALE_MIDDLE_NAMES);
    while (middle === parts[0]) {
      middle = pick(female ? FEMALE_MIDDLE_NAMES : MALE_MIDDLE_NAMES);
    }
    parts.push(middle);
  }
  const first = pick(SURNAMES);
  parts.push(first);
  // Many Brazilians carry both the mother's and the father's surname.
  if (randomInt(0, 1) === 1) {
    let second = pick(SURNAMES);
    while (second === first) {
      second = pick(SURNAMES);
    }
    parts.push(second);
  }
  return parts.join(' ');
}

// Lines of business, as they appear in a company's registered name.
const ACTIVITIES = [
  'Comércio de Alimentos', 'Materiais de Construção', 'Transportes', 'Serviços Médicos',
  'Tecnologia', 'Distribuidora de Bebidas', 'Autopeças', 'Confecções', 'Engenharia',
  'Comércio Varejista', 'Consultoria Empresarial', 'Logística', 'Indústria Metalúrgica',
  'Agropecuária', 'Serviços de Limpeza', 'Papelaria e Informática',
];

// Small shops that are usually named after the type of shop.
const SHOP_TYPES = [
  'Padaria', 'Mercadinho', 'Farmácia', 'Açougue', 'Oficina', 'Lanchonete', 'Restaurante',
  'Auto Posto', 'Pet Shop', 'Salão de Beleza', 'Drogaria', 'Hortifrúti', 'Sorveteria',
];

// Fanciful words used as the distinctive part of a name ("Estrela do Norte").
const FANTASY_NAMES = [
  'Estrela do Norte', 'Horizonte', 'Bom Jesus', 'Santa Luzia', 'São Jorge', 'Primavera',
  'Nova Esperança', 'Boa Vista', 'Sol Nascente', 'Ipê Amarelo', 'Vale Verde', 'Aurora',
  'Progresso', 'Central', 'União', 'Bela Vista', 'Pão de Açúcar', 'Três Irmãos',
];

// Legal-form suffixes: limited company, microenterprise, individual limited
// company (no longer created, still common in old names) and corporation.
const SMALL_COMPANY_SUFFIXES = ['Ltda', 'ME', 'EIRELI'];
const ALL_SUFFIXES = ['Ltda', 'ME', 'EIRELI', 'S.A.'];

function familyCompanyName(): string {
  const family = pick(SURNAMES);
  const partners = pick([`${family} & Filhos`, `${family} & ${pick(SURNAMES)}`, `Irmãos ${family}`]);
  return `${partners} ${pick(ACTIVITIES)} ${pick(SMALL_COMPANY_SUFFIXES)}`;
}

function shopName(): string {
  return `${pick(SHOP_TYPES)} ${pick(FANTASY_NAMES)} ${pick(SMALL_COMPANY_SUFFIXES)}`;
}

function fantasyCompanyName(): string {
  return `${pick(ACTIVITIES)} ${pick(FANTASY_NAMES)} ${pick(ALL_SUFFIXES)}`;
}

/**
 * e.g. "Souza & Filhos Comércio de Alimentos Ltda", "Padaria Estrela do Norte ME",
 * "Tecnologia Horizonte S.A.".
 */
export function randomCompanyName(): string {
  return pick([familyCompanyName, shopName, fantasyCompanyName])();
}
