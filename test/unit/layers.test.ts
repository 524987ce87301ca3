/**
 * The import graph of src/ keeps its layers (no database needed): the HTTP
 * faces sit on the engine and the traffic limit, those on the database;
 * nothing below a face imports HTTP, the database layer imports no feature,
 * jobs only schedule, and there is no import cycle anywhere.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const SRC = path.resolve(__dirname, '../../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? sourceFiles(full) : name.endsWith('.ts') ? [full] : [];
  });
}

/** Relative imports of each file, as paths under src/ (types included: a type import is a dependency too). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, 'utf8');
    const targets = [...text.matchAll(/from '(\.{1,2}\/[^']+)'/g)].map((match) =>
      path.relative(SRC, path.resolve(path.dirname(file), match[1])).replace(/\.js$/, '.ts'),
    );
    graph.set(path.relative(SRC, file), targets);
  }
  return graph;
}

const graph = importGraph();
const under = (prefix: string) => [...graph.entries()].filter(([file]) => file.startsWith(prefix));

it.each([
  ['stream/', ['http/', 'generation/', 'jobs/', 'cli/', 'openapi/', 'retention/', 'inspection/', 'app.ts', 'server.ts']],
  // Retention and the operators' reads sit beside the engine: neither is the engine's, nor a face's.
  ['retention/', ['http/', 'stream/', 'generation/', 'jobs/', 'cli/', 'openapi/', 'app.ts', 'server.ts']],
  ['inspection/', ['http/', 'stream/', 'retention/', 'generation/', 'jobs/', 'cli/', 'openapi/', 'app.ts', 'server.ts']],
  ['db/', ['http/', 'stream/', 'limits/', 'generation/', 'jobs/', 'cli/', 'retention/', 'inspection/', 'app.ts', 'server.ts']],
  ['limits/', ['http/', 'stream/', 'generation/', 'jobs/', 'cli/', 'openapi/', 'app.ts', 'server.ts']],
  ['generation/', ['http/', 'jobs/', 'cli/', 'app.ts', 'server.ts']],
  ['lib/', ['http/', 'stream/', 'generation/', 'db/', 'jobs/', 'cli/']],
  ['jobs/', ['http/', 'cli/', 'app.ts']],
  ['http/', ['db/database.ts', 'jobs/', 'cli/', 'server.ts']],
  ['inbound/', ['http/', 'generation/', 'jobs/', 'cli/', 'openapi/', 'app.ts', 'server.ts']],
  // ISO 20022 is pure: text in, text out, for the server, the CLI and the tests alike.
  ['iso20022/', ['http/', 'stream/', 'inbound/', 'generation/', 'db/', 'jobs/', 'cli/', 'client/', 'lib/', 'app.ts', 'server.ts']],
])('%s imports none of %j', (layer, forbidden) => {
  const offending = under(layer).flatMap(([file, targets]) =>
    targets.filter((target) => forbidden.some((prefix) => target.startsWith(prefix))).map((target) => `${file} -> ${target}`),
  );
  expect(offending).toEqual([]);
});

it('the engine, the limits and the data layer import no HTTP status or Express', () => {
  const offending = [...under('stream/'), ...under('limits/'), ...under('db/'), ...under('generation/'), ...under('inbound/'), ...under('retention/'), ...under('inspection/')]
    .filter(([file]) => /\b(express|STATUS_CODES|statusCode)\b/.test(readFileSync(path.join(SRC, file), 'utf8')))
    .map(([file]) => file);
  expect(offending).toEqual([]);
});

it('the client library (run in banks\' services) takes of the server only the multipart/mixed reader, and no npm package', () => {
  const files = [...under('client/').map(([file]) => file), 'http/icom/multipart.ts'];
  const offending = files.flatMap((file) => {
    const relative = (graph.get(file) ?? []).filter((target) => !files.includes(target));
    const packages = [...readFileSync(path.join(SRC, file), 'utf8').matchAll(/from '([^.'][^']*)'/g)].map((m) => m[1]!).filter((name) => !name.startsWith('node:'));
    return [...relative, ...packages].map((target) => `${file} -> ${target}`);
  });
  expect(offending).toEqual([]);
});

it('has no import cycle', () => {
  const cycles: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (file: string, trail: string[]) => {
    if (state.get(file) === 'done') return;
    if (state.get(file) === 'visiting') {
      cycles.push([...trail.slice(trail.indexOf(file)), file].join(' -> '));
      return;
    }
    state.set(file, 'visiting');
    for (const target of graph.get(file) ?? []) visit(target, [...trail, file]);
    state.set(file, 'done');
  };
  for (const file of graph.keys()) visit(file, []);
  expect(cycles).toEqual([]);
});
