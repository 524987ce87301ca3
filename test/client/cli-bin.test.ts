/**
 * The built command (package.json "bin") runs as a program of its own, as npx
 * and a shell run it: executable bit set by the build, shebang kept by tsc.
 * `npm test` builds dist/ first.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const PROJECT = path.resolve(__dirname, '../..');
const bin = (JSON.parse(readFileSync(path.join(PROJECT, 'package.json'), 'utf8')) as { bin: Record<string, string> }).bin['pix-stream'];
const built = path.join(PROJECT, bin);

it('is built executable, with a node shebang', () => {
  expect(statSync(built).mode & 0o111).toBe(0o111);
  expect(readFileSync(built, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
});

it('runs directly, not through node: --help exits 0', () => {
  const help = execFileSync(built, ['--help'], { encoding: 'utf8' }); // throws on a non-zero exit or EACCES
  expect(help).toContain('Usage: pix-stream');
});
