/**
 * Readers of one configuration value each, for config.ts (the only reader of
 * process.env, which passes it in): a bad value is a ConfigError naming its key.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseCents } from './spi/money.js';

export class ConfigError extends Error {}

export type Env = Record<string, string | undefined>;

export function integer(env: Env, key: string, fallback: number, min: number, max: number): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(`${key} must be an integer, got "${raw}"`);
  const value = Number(raw.trim());
  if (value < min || value > max) throw new ConfigError(`${key} must be between ${min} and ${max}, got ${value}`);
  return value;
}

/** A decimal number such as 168 or 0.005, strictly above `minExclusive`. */
export function decimal(env: Env, key: string, fallback: number, minExclusive: number, max: number): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+(\.\d+)?$|^\.\d+$/.test(raw.trim())) throw new ConfigError(`${key} must be a decimal number, got "${raw}"`);
  const value = Number(raw.trim());
  if (value <= minExclusive || value > max) throw new ConfigError(`${key} must be above ${minExclusive} and at most ${max}, got ${value}`);
  return value;
}

export function oneOf<T extends string>(env: Env, key: string, fallback: T, allowed: readonly T[]): T {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(`${key} must be one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

/** An optional URL of one of `schemes`; an error names the key and shows `example`. */
export function url(env: Env, key: string, schemes: readonly string[], example: string): string | undefined {
  const raw = env[key];
  if (raw === undefined || raw === '') return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(`${key} must be a URL like ${example}`);
  }
  if (!schemes.includes(parsed.protocol.slice(0, -1))) {
    throw new ConfigError(`${key} must start with ${schemes.map((scheme) => `${scheme}://`).join(' or ')}, got "${parsed.protocol}"`);
  }
  return raw;
}

/** A PEM file's text; unset (or empty) is undefined, an unreadable path a ConfigError naming the key. */
export function pemFile(env: Env, key: string): string | undefined {
  const path = env[key];
  if (path === undefined || path === '') return undefined;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`${key} must name a readable PEM file; "${path}": ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (!text.includes('-----BEGIN ')) throw new ConfigError(`${key} ("${path}") is not a PEM file`);
  return text;
}

export function certificate(key: string, pem: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch (err) {
    throw new ConfigError(`${key} holds no readable PEM certificate (${(err as Error).message})`);
  }
}

/** An amount in reais with two decimals ("1000000.00"), as cents. */
export function cents(env: Env, key: string, fallback: number): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  const value = parseCents(raw.trim());
  if (value === undefined) throw new ConfigError(`${key} must be an amount with two decimals such as 1000000.00, got "${raw}"`);
  return value;
}
