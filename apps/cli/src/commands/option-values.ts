/** Readers of option values (from the command line or a config file): each checks and names the flag. */
import { stepChangesSize } from '@gradwell/augment';
import { choiceFlag, CliError, numberFlag } from '../errors';
import { parsePipelineSpec, type PipelineSpec } from '../pipeline-spec';

export const text = (value: unknown, name: string): string => {
  if (typeof value !== 'string' || value === '')
    throw new CliError(`${name} must be a value, got ${JSON.stringify(value)}`, `give ${name} a value`, 2);
  return value;
};
/**
 * `--augment`: step names (each applied with probability ½), a JSON pipeline or a .json file holding one,
 * or in a config file the pipeline itself. Resolved to the pipeline — what config.json records, so a run
 * repeats without the file it named — with each step's keys in one order (a resumed run compares it).
 */
export function augmentPipeline(value: unknown, name: string): PipelineSpec {
  const spec = value !== null && typeof value === 'object' ? JSON.stringify(value) : text(value, name);
  const named = !/^\s*[[{]/.test(spec) && !spec.endsWith('.json');
  const { seed, steps } = parsePipelineSpec(name, spec, { nameProbability: 0.5 });
  // A crop or rescale by name has no size to come back to: the model takes one input size.
  const resizing = named ? steps.find((step) => stepChangesSize(step.type)) : undefined;
  if (resizing !== undefined)
    throw new CliError(
      `${name}: '${resizing.type}' changes the image size, and by name it has no size to keep to`,
      `give it as JSON with its parameters, e.g. --augment '[{"type":"randomCrop","params":{"size":[28,28],"padding":2}}]' (pad, then crop back)`,
      2,
    );
  return {
    ...(seed === undefined ? {} : { seed }),
    steps: steps.map(({ type, p, params }) => ({
      type,
      ...(p === undefined ? {} : { p }),
      ...(params === undefined ? {} : { params }),
    })),
  };
}
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
  (value: unknown, name: string): T =>
    choiceFlag(name, value, choices) as T; // a reader is called with a value, never undefined

/** `--average`: β of a moving average, in (0, 1), or 'mean'. */
export function decayOrMean(value: unknown, name: string): number | 'mean' {
  if (value === 'mean') return 'mean';
  const beta = typeof value === 'number' ? value : Number(value);
  if (typeof value === 'boolean' || value === '' || !Number.isFinite(beta) || beta <= 0 || beta >= 1)
    throw new CliError(
      `${name} must be a number in (0, 1) or 'mean', got ${JSON.stringify(value)}`,
      `e.g. ${name} 0.999 (a moving average over about the last 1000 steps) or ${name} mean`,
      2,
    );
  return beta;
}
