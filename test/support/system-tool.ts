/**
 * Tests that need a program of the system (promtool, Chromium, pgbench,
 * xmlsec1): on a developer's machine without it they are skipped with a
 * banner naming the Debian package that brings it; under CI=true (.ci/run
 * sets it, and installs every one) a missing tool fails the suite instead.
 */
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

export interface SystemTool {
  /** The executable's path, or undefined when it is not there. */
  path: string | undefined;
  /** `describe`, or on a machine without the tool a skipped one (CI: one failing test in its place). */
  describe: (name: string, body: () => void) => void;
}

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** `command` by absolute path, or looked up on PATH; `debianPackage` is named in the banner. */
export function systemTool(command: string, debianPackage: string): SystemTool {
  const candidates = path.isAbsolute(command) ? [command] : (process.env.PATH ?? '').split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, command));
  const found = candidates.find(executable);
  if (found) return { path: found, describe };
  const what = `${command} is not installed (Debian package "${debianPackage}": apt-get install -y ${debianPackage})`;
  if (process.env.CI === 'true') {
    return { path: undefined, describe: (name) => describe(name, () => it(`needs ${command}`, () => { throw new Error(`${what}; under CI every system tool must be there (.ci/run installs them)`); })) }; // prettier-ignore
  }
  console.warn(`\n!!! SKIPPED: ${what}. These tests run in CI. !!!\n`);
  return { path: undefined, describe: (name, body) => describe.skip(name, body) };
}
