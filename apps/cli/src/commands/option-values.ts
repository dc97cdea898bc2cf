/** Readers of option values (from the command line or a config file): each checks and names the flag. */
import { CliError, numberFlag } from '../errors';

export const text = (value: unknown, name: string): string => {
  if (typeof value !== 'string' || value === '')
    throw new CliError(`${name} must be a value, got ${JSON.stringify(value)}`, `give ${name} a value`, 2);
  return value;
};
/**
 * `--augment`'s spec: a string (step names, JSON, a .json file), or in a config file the pipeline itself —
 * an array of steps or `{ seed, steps }` — kept as its JSON, which the pipeline parser then checks.
 */
export const pipelineSpec = (value: unknown, name: string): string =>
  value !== null && typeof value === 'object' ? JSON.stringify(value) : text(value, name);
export const integer = (min: number) => (value: unknown, name: string) =>
  numberFlag(name, value as string | number, { min, integer: true }) as number;
export const number =
  (range: { min?: number; max?: number; minInclusive?: boolean }) => (value: unknown, name: string) =>
    numberFlag(name, value as string | number, range) as number;
export const flag = (value: unknown, name: string): boolean => {
  if (typeof value === 'boolean') return value;
  throw new CliError(`${name} is a switch (true or false), got ${JSON.stringify(value)}`, `e.g. ${name}`, 2);
};
/**
 * A comma-separated list, or a config file's array (which may be empty: a run's config.json holds
 * `"plugin": []`): each item trimmed; an empty item ('32,,32', a trailing comma, or the empty string) is
 * an error naming the option, never dropped.
 */
export const list = (value: unknown, name: string): string[] => {
  const items = (Array.isArray(value) ? value.map(String) : String(value).split(',')).map((item) =>
    item.trim(),
  );
  if (items.some((item) => item === ''))
    throw new CliError(
      `${name} must be a comma-separated list without empty items, got ${JSON.stringify(value)}`,
      `separate the items of ${name} by single commas, none at either end`,
      2,
    );
  return items;
};
export const choice =
  <T extends string>(choices: readonly T[]) =>
  (value: unknown, name: string): T => {
    if (typeof value === 'string' && (choices as readonly string[]).includes(value)) return value as T;
    throw new CliError(
      `${name} must be one of ${choices.join(', ')}, got ${JSON.stringify(value)}`,
      `e.g. ${name} ${choices[0]}`,
      2,
    );
  };
