/**
 * The documentation stays navigable and complete:
 *
 * - Every relative link in README.md, the .md files under docs/ and bench/results/*.md
 *   resolves to a file or folder of the repository, and a link with a
 *   #fragment to a heading of the Markdown file it names (of its own file for
 *   a bare #fragment). Anchors follow GitHub's rule: the heading's text as
 *   rendered (code and emphasis markers and link targets dropped), lowercased,
 *   every character that is not a letter, digit, space, `-` or `_` removed,
 *   each space turned into `-`; a repeated anchor gets `-1`, `-2`, ... Links
 *   inside code are not links; links with a scheme (https:, mailto:) are not
 *   checked.
 *
 * - The README's routes table (the table under "## Routes") names exactly the
 *   operations of the OpenAPI document. In the first cell of each row, every
 *   code span that holds a path (a word starting with `/`) names that path
 *   with the HTTP methods written before it in the cell, in that span or in
 *   earlier ones: `GET /health`, or `GET` or `DELETE /api/pix/{ispb}/stream/stop`.
 *   Paths compare with every `{parameter}` name ignored, so the table may name
 *   a parameter differently from the document. A document operation missing
 *   from the table fails, and so does a table route the document lacks.
 *
 * Reads files and the document only; no database.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { openApiDocument } from '../../src/openapi/document';

const root = path.resolve(__dirname, '../..');

const HTTP_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE']);

/** The Markdown files whose links are checked, relative to the repository root. */
function documentationFiles(): string[] {
  const under = (dir: string, recursive: boolean): string[] => {
    const absolute = path.join(root, dir);
    if (!existsSync(absolute)) return [];
    return readdirSync(absolute, { withFileTypes: true }).flatMap((entry) => {
      const relative = path.join(dir, entry.name);
      if (entry.isDirectory()) return recursive ? under(relative, true) : [];
      return entry.name.endsWith('.md') ? [relative] : [];
    });
  };
  return ['README.md', ...under('docs', true), ...under('bench/results', false)].sort();
}

interface Line {
  number: number;
  text: string;
}

/** The lines outside fenced code blocks (``` or ~~~), with their 1-based numbers. */
function proseLines(markdown: string): Line[] {
  const lines: Line[] = [];
  let fence: string | undefined;
  markdown.split(/\r?\n/).forEach((text, i) => {
    const opening = /^\s*(`{3,}|~{3,})/.exec(text);
    if (fence) {
      if (opening && opening[1][0] === fence[0] && opening[1].length >= fence.length && text.trim() === opening[1]) fence = undefined;
      return;
    }
    if (opening) {
      fence = opening[1];
      return;
    }
    lines.push({ number: i + 1, text });
  });
  return lines;
}

/** The line with its code spans (`x`, ``x``) blanked out, so nothing inside code reads as a link. */
function withoutCodeSpans(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    if (text[i] !== '`') {
      out += text[i++];
      continue;
    }
    let run = 0;
    while (text[i + run] === '`') run += 1;
    const ticks = '`'.repeat(run);
    let close = text.indexOf(ticks, i + run);
    while (close !== -1 && text[close + run] === '`') close = text.indexOf(ticks, close + run + 1);
    if (close === -1) {
      out += ticks;
      i += run;
      continue;
    }
    out += ' '.repeat(close + run - i);
    i = close + run;
  }
  return out;
}

/** The anchor GitHub gives a heading's text (see the rule above). */
function slug(heading: string): string {
  return heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]*>/g, '')
    .replace(/[`*]/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** The anchors of a Markdown file's ATX headings, repeated ones numbered as GitHub numbers them. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const { text } of proseLines(markdown)) {
    const heading = /^ {0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/.exec(text);
    if (!heading) continue;
    const base = slug(heading[1]);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

interface Link {
  file: string;
  line: number;
  target: string;
}

/** Inline links and images `[text](target "title")` and reference definitions `[label]: target`, outside code. */
function linksOf(file: string): Link[] {
  const links: Link[] = [];
  for (const { number, text } of proseLines(readFileSync(path.join(root, file), 'utf8'))) {
    const prose = withoutCodeSpans(text);
    for (const match of prose.matchAll(/\]\(\s*(<[^>]*>|[^\s)]+)(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)/g)) {
      links.push({ file, line: number, target: match[1].replace(/^<|>$/g, '') });
    }
    const definition = /^ {0,3}\[[^\]]+\]:\s*(\S+)/.exec(prose);
    if (definition) links.push({ file, line: number, target: definition[1].replace(/^<|>$/g, '') });
  }
  return links;
}

/** Why a relative link does not resolve, or undefined when it does. */
function problemWith(link: Link): string | undefined {
  const hash = link.target.indexOf('#');
  const targetPath = decodeURIComponent(hash === -1 ? link.target : link.target.slice(0, hash));
  const fragment = hash === -1 ? undefined : decodeURIComponent(link.target.slice(hash + 1));
  const resolved =
    targetPath === ''
      ? path.join(root, link.file)
      : targetPath.startsWith('/')
        ? path.join(root, targetPath)
        : path.resolve(path.dirname(path.join(root, link.file)), targetPath);
  if (!resolved.startsWith(root)) return 'points outside the repository';
  if (!existsSync(resolved)) return 'no such file';
  if (fragment === undefined) return undefined;
  if (statSync(resolved).isDirectory() || !resolved.endsWith('.md')) return 'a #fragment on something that is not a Markdown file';
  if (!anchorsOf(readFileSync(resolved, 'utf8')).has(fragment)) return `no heading with the anchor #${fragment}`;
  return undefined;
}

const isExternal = (target: string) => /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//');

/** `METHOD /path` of every route the README's routes table names, `{parameters}` as `{}`. */
function readmeRoutes(): string[] {
  const lines = proseLines(readFileSync(path.join(root, 'README.md'), 'utf8'));
  const start = lines.findIndex(({ text }) => /^##\s+Routes\s*$/.test(text));
  if (start === -1) throw new Error('README.md has no "## Routes" section');
  const routes: string[] = [];
  for (const { text } of lines.slice(start + 1)) {
    if (/^#{1,2}\s/.test(text)) break;
    if (!text.startsWith('|') || /^\|\s*:?-/.test(text)) continue;
    const firstCell = text.split('|')[1] ?? '';
    let methods: string[] = [];
    for (const [, span] of firstCell.matchAll(/`([^`]+)`/g)) {
      const words = span.trim().split(/\s+/);
      methods.push(...words.filter((word) => HTTP_METHODS.has(word)));
      const routePath = words.find((word) => word.startsWith('/'));
      if (routePath) {
        for (const method of methods) routes.push(`${method} ${normalisePath(routePath)}`);
        methods = [];
      }
    }
  }
  return [...new Set(routes)].sort();
}

const normalisePath = (routePath: string) => routePath.replace(/\{[^}]*\}/g, '{}');

/** `METHOD /path` of every operation of the OpenAPI document, `{parameters}` as `{}`. */
function documentedRoutes(): string[] {
  const paths = openApiDocument.paths as Record<string, Record<string, unknown>>;
  return Object.entries(paths)
    .flatMap(([routePath, operations]) =>
      Object.keys(operations)
        .filter((key) => HTTP_METHODS.has(key.toUpperCase()))
        .map((method) => `${method.toUpperCase()} ${normalisePath(routePath)}`),
    )
    .sort();
}

describe('documentation links', () => {
  const files = documentationFiles();

  it('covers the README and the docs pages', () => {
    expect(files).toContain('README.md');
    expect(files.filter((file) => file.startsWith(`docs${path.sep}`)).length).toBeGreaterThan(0);
  });

  it.each(files)('every relative link in %s resolves, fragments included', (file) => {
    const broken = linksOf(file)
      .filter((link) => !isExternal(link.target))
      .flatMap((link) => {
        const problem = problemWith(link);
        return problem ? [`${link.file}:${link.line} → ${link.target}: ${problem}`] : [];
      });
    expect(broken).toEqual([]);
  });
});

describe("the README's routes table", () => {
  it('reads the table (a row is found for the first route of the document)', () => {
    expect(readmeRoutes()).toContain('POST /api/util/msgs/{}/{}');
  });

  it('names every operation of the OpenAPI document', () => {
    const named = new Set(readmeRoutes());
    expect(documentedRoutes().filter((route) => !named.has(route))).toEqual([]);
  });

  it('names no route the OpenAPI document lacks', () => {
    const documented = new Set(documentedRoutes());
    expect(readmeRoutes().filter((route) => !documented.has(route))).toEqual([]);
  });
});
