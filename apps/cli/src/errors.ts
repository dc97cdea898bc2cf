/**
 * Errors a user can fix: one line with what was wrong and what to do. Everything the CLI catches ends up
 * as one line on stderr and a non-zero exit code — never a stack trace (unless GRADWELL_DEBUG=1).
 */
import { existsSync, statSync } from 'node:fs';
import { findNearestName } from '@gradwell/core';

export class CliError extends Error {
  constructor(
    message: string,
    /** What to do about it, e.g. "pass --epochs 3". */
    readonly fix?: string,
    /** 2 for usage errors (bad flags), 1 otherwise. */
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/**
 * `--out` (or a folder under it) is a folder to write into, made when missing: an existing file there is a
 * usage error before any work, not an ENOTDIR after it.
 */
export function checkOutFolder(folder: string, what: string, flag = '--out'): void {
  if (existsSync(folder) && !statSync(folder).isDirectory())
    throw new CliError(`${flag} '${folder}' is a file; ${what} need a folder`, `give another ${flag}`, 2);
}

/** Parses a flag value as a number in a range, or throws a CliError naming the flag. */
export function numberFlag(
  flag: string,
  raw: string | number | undefined,
  {
    min,
    max,
    integer = false,
    minInclusive = true,
  }: { min?: number; max?: number; integer?: boolean; minInclusive?: boolean } = {},
): number | undefined {
  if (raw === undefined) return undefined;
  const value = typeof raw === 'number' ? raw : Number(raw);
  const range = [
    min !== undefined ? `${minInclusive ? '≥' : '>'} ${min}` : '',
    max !== undefined ? `≤ ${max}` : '',
  ]
    .filter(Boolean)
    .join(' and ');
  const wanted = `${integer ? 'an integer' : 'a number'}${range === '' ? '' : ` ${range}`}`;
  const ok =
    Number.isFinite(value) &&
    (!integer || Number.isInteger(value)) &&
    (min === undefined || (minInclusive ? value >= min : value > min)) &&
    (max === undefined || value <= max);
  if (!ok)
    throw new CliError(
      `${flag} must be ${wanted}, got '${String(raw)}'`,
      `e.g. ${flag} ${integer ? Math.max(min ?? 1, 1) : (min ?? 0) + 0.1}`,
      2,
    );
  return value;
}

/** One of the listed choices, or a CliError listing them. */
export function choiceFlag<T extends string>(
  flag: string,
  raw: unknown,
  choices: readonly T[],
): T | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw === 'string' && (choices as readonly string[]).includes(raw)) return raw as T;
  const nearest = typeof raw === 'string' ? findNearestName(raw, choices) : undefined;
  throw new CliError(
    `${flag} must be one of ${choices.join(', ')}, got ${JSON.stringify(raw)}` +
      (nearest === undefined ? '' : ` (did you mean '${nearest}'?)`),
    `e.g. ${flag} ${nearest ?? choices[0]}` +
      (typeof raw === 'string' ? (OTHER_CHOICES[raw.toLowerCase()] ?? '') : ''),
    2,
  );
}

/** What another library's name for a choice is here. */
const OTHER_CHOICES: Readonly<Record<string, string>> = {
  adamw: ' --weight-decay 0.01 (AdamW is adam with decoupled weight decay)',
  sgdw: ' --weight-decay 0.0005 (SGDW is sgd or momentum with decoupled weight decay)',
};
