/** Minimal `--name value` / `--flag` command-line parsing for the bench scripts. */
import { parseArgs } from 'node:util';

export type ArgSpec = Record<string, { type: 'string' | 'boolean'; default?: string | boolean }>;

export function parseCli<T extends ArgSpec>(spec: T, usage: string) {
  try {
    return parseArgs({ options: spec, strict: true, allowPositionals: false }).values;
  } catch (err) {
    console.error(`${(err as Error).message}\n\nUsage: ${usage}`);
    process.exit(2);
  }
}

/** Parses a positive integer option or exits with a usage message. */
export function intArg(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`--${name} must be a non-negative integer, got ${String(value)}`);
    process.exit(2);
  }
  return n;
}

/** A required string option, or exit 2 with the usage. */
export function requiredArg(value: unknown, name: string, usage: string): string {
  if (typeof value === 'string' && value !== '') return value;
  console.error(`--${name} is required.\nUsage: ${usage}`);
  process.exit(2);
}
