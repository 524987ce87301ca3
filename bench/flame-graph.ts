/**
 * A flame graph of a V8 CPU profile (`node --cpu-prof`, e.g. of the API with
 * BENCH_API_NODE_ARGS as in profile-split.ts), as one self-contained SVG: no
 * script, font or stylesheet to fetch; hovering a box shows its frame and share.
 *
 *   node dist/bench/flame-graph.js [--idle] PROFILE.cpuprofile OUT.svg [latest.json SECTION]
 *
 * With latest.json and a section name (or part of it), only the samples inside
 * that timed section count, found as profile-split.ts finds it (its helpers).
 * The root ("all") is at the bottom; a box's width is the samples whose stack
 * passes through it; children are sorted by name, so identical stacks merge;
 * boxes under 0.1 % of the width are dropped. Colours by area: pix-stream's own
 * code (dist/src/), node internals, node_modules, zlib, GC and (program).
 * (idle) samples are left out of the total unless --idle is given.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { areaOf, findSection, readProfile, readResults, samplesIn, type Profile, type ProfileNode } from './profile-split.js';

const WIDTH = 1200;
const MARGIN = 10;
const ROW = 17;
const GRAPH_TOP = 58;
const FONT_PX = 11;
const CHAR_PX = 6.7; // one monospace character at FONT_PX, rounded up
const MIN_SHARE = 0.001;
const MIN_CHARS = 4;

const COLOURS = {
  'pix-stream (dist/src)': '#f28e2b',
  'node internals (node:)': '#79b6e6',
  node_modules: '#8cd17d',
  zlib: '#c9a0dc',
  'GC and (program)': '#f1ce63',
  other: '#cccccc',
} as const;
type ColourName = keyof typeof COLOURS;
const PACKAGE_AREAS = ['pg driver', 'express', 'pino and prom-client', 'other packages'];

interface Frame {
  node?: ProfileNode;
  label: string;
  samples: number;
  children: Map<string, Frame>;
}

interface Box {
  x: number;
  width: number;
  depth: number;
  label: string;
  tip: string;
  fill: string;
}

interface FlameTree {
  root: Frame;
  sampledUs: number;
  selfByColour: Map<ColourName, number>;
}

/** profile-split.ts's areas, folded into the graph's few colours. */
function colourOf(node: ProfileNode): ColourName {
  const area = areaOf(node);
  if (area === 'pix-stream src') return 'pix-stream (dist/src)';
  if (area === 'zlib') return 'zlib';
  if (area.startsWith('node ')) return 'node internals (node:)';
  if (PACKAGE_AREAS.includes(area)) return 'node_modules';
  if (area === 'garbage collection' || area === 'V8 and native (program)') return 'GC and (program)';
  return 'other';
}

/** `fn pull-batch.js:42`: the function and its file's basename and line (1-based). */
function labelOf({ callFrame: { functionName, url, lineNumber } }: ProfileNode): string {
  const fn = functionName || '(anonymous)';
  return url ? `${fn} ${url.slice(url.lastIndexOf('/') + 1)}:${lineNumber + 1}` : fn;
}

function escapeXml(text: string): string {
  const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
  return text.replace(/[&<>"']/g, (c) => entities[c]);
}

/** Each node's stack from just above (root) down to itself. */
function stacksById(profile: Profile): Map<number, ProfileNode[]> {
  const parentOf = new Map<number, ProfileNode>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node);
  const stacks = new Map<number, ProfileNode[]>();
  for (const node of profile.nodes) {
    const stack: ProfileNode[] = [];
    for (let at: ProfileNode | undefined = node; at && at.callFrame.functionName !== '(root)'; at = parentOf.get(at.id)) stack.unshift(at);
    stacks.set(node.id, stack);
  }
  return stacks;
}

/** The samples merged into one tree of frames (same frame under the same parent: one box). */
function buildTree(profile: Profile, window: [number, number] | undefined, withIdle: boolean): FlameTree {
  const stacks = stacksById(profile);
  const root: Frame = { label: 'all', samples: 0, children: new Map() };
  const selfByColour = new Map<ColourName, number>();
  let sampledUs = 0;
  for (const { id, delta } of samplesIn(profile, window)) {
    const stack = stacks.get(id) ?? [];
    const leaf = stack[stack.length - 1];
    if (!leaf || (!withIdle && areaOf(leaf) === 'idle')) continue;
    root.samples += 1;
    sampledUs += delta;
    selfByColour.set(colourOf(leaf), (selfByColour.get(colourOf(leaf)) ?? 0) + 1);
    let frame = root;
    for (const node of stack) {
      const { url, lineNumber, columnNumber } = node.callFrame;
      const key = `${labelOf(node)}\u0000${url}:${lineNumber}:${columnNumber ?? 0}`;
      let child = frame.children.get(key);
      if (!child) frame.children.set(key, (child = { node, label: labelOf(node), samples: 0, children: new Map() }));
      child.samples += 1;
      frame = child;
    }
  }
  return { root, sampledUs, selfByColour };
}

/** Boxes of a frame's children (sorted by name), left to right from x, and of theirs above them. */
function layoutChildren(frame: Frame, x: number, depth: number, scale: number, total: number, boxes: Box[]): void {
  const sorted = [...frame.children.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [, child] of sorted) {
    if (child.samples >= total * MIN_SHARE && child.node) {
      const share = `${child.samples} samples, ${((child.samples / total) * 100).toFixed(2)} %`;
      const tip = [child.label, child.node.callFrame.url, share].filter(Boolean).join('\n');
      boxes.push({ x, width: child.samples * scale, depth, label: child.label, tip, fill: COLOURS[colourOf(child.node)] });
      layoutChildren(child, x, depth + 1, scale, total, boxes);
    }
    x += child.samples * scale;
  }
}

/** One box: its tooltip, and its label cut to fit (the nested svg clips whatever still overflows). */
function renderBox(box: Box, baseY: number): string {
  const y = baseY - box.depth * ROW;
  const chars = Math.floor((box.width - 6) / CHAR_PX);
  const label = box.label.length <= chars ? box.label : `${box.label.slice(0, chars - 2)}..`;
  const text = chars < MIN_CHARS ? '' : `<text x="3" y="${ROW - 5}">${escapeXml(label)}</text>`;
  const size = `width="${box.width.toFixed(2)}" height="${ROW - 1}"`;
  return `<g><title>${escapeXml(box.tip)}</title><svg x="${box.x.toFixed(2)}" y="${y}" ${size}><rect ${size} rx="2" fill="${box.fill}"/>${text}</svg></g>`;
}

/** The colour swatches, each with the share of samples whose own (leaf) frame has that colour. */
function renderLegend(tree: FlameTree): string {
  let x = MARGIN;
  return Object.entries(COLOURS).map(([name, fill]) => {
    const text = `${name} ${(((tree.selfByColour.get(name as ColourName) ?? 0) / tree.root.samples) * 100).toFixed(1)} % self`;
    const item = `<rect x="${x}" y="31" width="12" height="12" fill="${fill}"/><text x="${x + 16}" y="41">${escapeXml(text)}</text>`;
    x += 16 + text.length * CHAR_PX + 18;
    return item;
  }).join('\n');
}

function renderSvg(tree: FlameTree, title: string): string {
  const total = tree.root.samples;
  const scale = (WIDTH - 2 * MARGIN) / total;
  const all: Box = { x: MARGIN, width: WIDTH - 2 * MARGIN, depth: 0, label: 'all', tip: `all\n${total} samples, 100 %`, fill: '#d9d9d9' };
  const boxes: Box[] = [all];
  layoutChildren(tree.root, MARGIN, 1, scale, total, boxes);
  const baseY = GRAPH_TOP + Math.max(...boxes.map((box) => box.depth)) * ROW;
  const height = baseY + ROW + MARGIN;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="${FONT_PX}">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="${MARGIN}" y="20" font-size="14" font-weight="bold">${escapeXml(title)}</text>`,
    `<text x="${WIDTH - MARGIN}" y="20" text-anchor="end" fill="#666666">hover a box: frame, file, share</text>`,
    renderLegend(tree),
    ...boxes.map((box) => renderBox(box, baseY)),
    '</svg>',
    '',
  ].join('\n');
}

function main(): void {
  const args = process.argv.slice(2);
  const withIdle = args.includes('--idle');
  const [profileFile, outFile, resultsFile, sectionName] = args.filter((arg) => arg !== '--idle');
  if (!profileFile || !outFile || (resultsFile === undefined) !== (sectionName === undefined)) {
    process.stderr.write('usage: flame-graph [--idle] <profile.cpuprofile> <out.svg> [<latest.json> <section name or part of it>]\n');
    process.exit(2);
  }
  const section = resultsFile && sectionName ? findSection(readResults(resultsFile), sectionName, resultsFile) : undefined;
  const tree = buildTree(readProfile(profileFile), section?.window, withIdle);
  if (tree.root.samples === 0) throw new Error(`no samples${section ? ` inside section "${section.name}"` : ''} in ${profileFile}`);
  const title = [
    `${path.basename(profileFile)}${section ? `, section "${section.name}"` : ''}:`,
    `${tree.root.samples} samples, ${(tree.sampledUs / 1e3).toFixed(0)} ms sampled,`,
    withIdle ? '(idle included)' : '(idle left out)',
  ].join(' ');
  writeFileSync(outFile, renderSvg(tree, title));
  process.stdout.write(`${outFile}: ${title}\n`);
}

main();
