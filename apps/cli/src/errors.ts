/**
 * Errors a user can fix: one line with what was wrong and what to do. Everything the CLI catches ends up
 * as one line on stderr and a non-zero exit code — never a stack trace (unless GRADWELL_DEBUG=1).
 */
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
  raw: string | undefined,
  choices: readonly T[],
): T | undefined {
  if (raw === undefined) return undefined;
  if (!(choices as readonly string[]).includes(raw))
    throw new CliError(
      `${flag} must be one of ${choices.join(', ')}, got '${raw}'`,
      `e.g. ${flag} ${choices[0]}`,
      2,
    );
  return raw as T;
}
