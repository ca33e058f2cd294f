import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './usage-error';

/**
 * Parses a command's options strictly: an unknown option, a missing value or a stray positional is
 * a UsageError that names it, so a typo never silently runs something else.
 */
export function parseCommand<T extends NonNullable<ParseArgsConfig['options']>>(
  command: string,
  argv: string[],
  options: T,
  positionals: { min: number; max: number } = { min: 0, max: 0 },
) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: positionals.max > 0, strict: true });
  } catch (err) {
    throw new UsageError(`${command}: ${(err as Error).message.replace(/\. To specify a positional.*$/s, '')}`);
  }
  if (parsed.positionals.length < positionals.min) throw new UsageError(`${command}: missing argument`);
  if (parsed.positionals.length > positionals.max) throw new UsageError(`${command}: unexpected argument '${parsed.positionals[positionals.max]}'`);
  return parsed;
}

/** A whole number in [min, max], or a UsageError naming the option and what it got. */
export function intOption(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got '${value}'`);
  }
  return n;
}
