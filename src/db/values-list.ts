/**
 * Rows as a VALUES list of parameters, `($1::numeric, $2, …), (…)`, for bulk
 * INSERTs: each value travels as it is. Passed as arrays (unnest of text[]),
 * node-pg escapes every element with regular expressions, which for rows that
 * carry XML documents is most of the statement's cost on the Node side
 * (docs/performance.md). A column is `name` or `name::type`.
 */
export function columnNames(columns: readonly string[]): string {
  return columns.map((column) => column.split('::')[0]).join(', ');
}

export function valuesList(columns: readonly string[], rows: number): string {
  const cast = columns.map((column) => (column.includes('::') ? column.slice(column.indexOf('::')) : ''));
  const row = (r: number) => `(${cast.map((type, c) => `$${r * columns.length + c + 1}${type}`).join(', ')})`;
  return `VALUES ${Array.from({ length: rows }, (_, r) => row(r)).join(',\n       ')}`;
}
