/**
 * Distinguished names as X509IssuerName carries them: an RFC 4514 string,
 * most significant RDN last ("CN=…,OU=…,O=…,C=BR"), the form Java's
 * X500Principal.getName() writes and the SPI's own messages show (#330).
 *
 * Matching is semantic, not textual: attribute names by their short form or
 * OID, values with escapes undone, case and runs of spaces ignored. Order is
 * compared separately so a diagnosis can say "right name, reversed order"
 * (openssl's one-line form puts C first) instead of "unknown certificate".
 */

/** One attribute of a name: `type` as upper-case short name (or dotted OID), `value` unescaped. */
export interface NameAttribute {
  type: string;
  value: string;
}

const ALIASES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.5': 'SERIALNUMBER',
  '1.2.840.113549.1.9.1': 'EMAILADDRESS',
  E: 'EMAILADDRESS',
  S: 'ST',
};

function normalType(type: string): string {
  const t = type.trim().replace(/^OID\./i, '');
  const upper = t.toUpperCase();
  return ALIASES[upper] ?? ALIASES[t] ?? upper;
}

/** RFC 4514 escaping of one attribute value. */
export function escapeValue(value: string): string {
  let out = value.replace(/[\\,+"<>;=]/g, (c) => `\\${c}`).replace(/\0/g, '\\00');
  if (out.startsWith('#') || out.startsWith(' ')) out = `\\${out}`;
  if (out.endsWith(' ') && !out.endsWith('\\ ')) out = `${out.slice(0, -1)}\\ `;
  return out;
}

function unescapeValue(raw: string): string {
  const v = raw.trim();
  if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) return v.slice(1, -1).replace(/\\(.)/g, '$1'); // RFC 1779 quoting
  return v.replace(/\\([0-9a-fA-F]{2}|.)/g, (_m, e: string) => (e.length === 2 ? String.fromCharCode(parseInt(e, 16)) : e));
}

/** Splits `text` on `separators` that are neither escaped nor inside quotes. */
function splitUnescaped(text: string, separators: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && i + 1 < text.length) {
      current += c + text[i + 1];
      i++;
    } else if (c === '"') {
      quoted = !quoted;
      current += c;
    } else if (!quoted && separators.includes(c)) {
      parts.push(current);
      current = '';
    } else current += c;
  }
  parts.push(current);
  return parts;
}

/** Parses an RFC 4514 / RFC 2253 / RFC 1779 name ("," or ";" between RDNs, "+" inside one) in written order; null if not a name. */
export function parseName(text: string): NameAttribute[] | null {
  if (text.trim() === '') return null;
  const out: NameAttribute[] = [];
  for (const rdn of splitUnescaped(text, ',;')) {
    for (const ava of splitUnescaped(rdn, '+')) {
      const eq = ava.indexOf('=');
      if (eq <= 0) return null;
      out.push({ type: normalType(ava.slice(0, eq)), value: unescapeValue(ava.slice(eq + 1)) });
    }
  }
  return out;
}

/**
 * Node's X509Certificate.subject / .issuer ("C=BR\nO=…\nCN=…": one attribute
 * per line, most significant first, values already escaped) as an RFC 4514
 * string, most significant last.
 */
export function nodeNameToRfc4514(nodeName: string): string {
  return nodeName.split('\n').filter((line) => line !== '').reverse().join(',');
}

function key(a: NameAttribute): string {
  return `${a.type}=${a.value.replace(/\s+/g, ' ').trim().toLowerCase()}`;
}

/** 'same' (same attributes, same order), 'reordered' (same attributes, another order), or 'different'. */
export function compareNames(a: readonly NameAttribute[], b: readonly NameAttribute[]): 'same' | 'reordered' | 'different' {
  if (a.length !== b.length) return 'different';
  const ka = a.map(key);
  const kb = b.map(key);
  if (ka.every((k, i) => k === kb[i])) return 'same';
  return [...ka].sort().join('\n') === [...kb].sort().join('\n') ? 'reordered' : 'different';
}

/** The first CN value of a name, or null. */
export function commonName(name: readonly NameAttribute[]): string | null {
  return name.find((a) => a.type === 'CN')?.value ?? null;
}
