/**
 * Typed name → value registries (activations, initialisers, layers, ...). A duplicate name throws
 * (never a silent overwrite); a miss lists the known names and the nearest one; aliases resolve to the
 * canonical name. Registries are filled from explicit lists, never as a side effect of an import.
 */
import { describeValue, GradwellArgumentError } from './validation';

export interface RegisterOptions {
  /** Other names that resolve to this entry (e.g. `silu` for `swish`). */
  aliases?: readonly string[];
}

export interface Registry<T> {
  /** What the registry holds, used in error messages ("activation", "initializer"). */
  readonly kind: string;
  register(name: string, value: T, options?: RegisterOptions): void;
  /** The entry for a name or alias; throws listing the known names when there is none. */
  get(name: string): T;
  has(name: string): boolean;
  /** The canonical name for a name or alias; throws like `get`. */
  resolveName(name: string): string;
  /** Canonical names, sorted. */
  list(): string[];
  /** Every alias with the canonical name it points to. */
  aliases(): Record<string, string>;
}

/** Edit distance counting insertions, deletions, substitutions and swaps of adjacent letters (each 1). */
export function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number): number => (rows[i] as number[])[j] as number;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, at(i - 2, j - 2) + 1);
      (rows[i] as number[])[j] = best;
    }
  }
  return at(a.length, b.length);
}

/**
 * The candidate closest to `name` (case-insensitive edit distance), if any is reasonably close (one edit
 * for a name of up to three letters, two or a third of its letters for a longer one), else the shortest
 * candidate `name` begins (at least three letters of it).
 */
export function findNearestName(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  // two edits of a name of three letters or fewer leave too little of it ('he' is not 'eye')
  const allowed = name.length <= 3 ? 1 : Math.max(2, Math.floor(name.length / 3));
  if (best !== undefined && bestDistance <= allowed) return best;
  // a known name cut short ('vanish' for 'vanishing', 'leaky' for 'leakyRelu'): the shortest it begins
  const lower = name.toLowerCase();
  if (lower.length < 3) return undefined;
  return candidates
    .filter((candidate) => candidate.toLowerCase().startsWith(lower))
    .reduce<string | undefined>((a, b) => (a === undefined || b.length < a.length ? b : a), undefined);
}

/**
 * The keys of an options type, listed once and checked by the compiler both ways — a key the type lacks,
 * or one of its keys left out, is a type error: `optionKeys<FitOptions>({ epochs: 1, batchSize: 1, … })`.
 * The list `assertKnownOptions` takes, kept in step with the interface.
 */
export function optionKeys<T>(keys: Record<keyof T, 1>): string[] {
  return Object.keys(keys);
}

/**
 * An options object holds only the keys `known`: TypeScript refuses another key in a literal, JavaScript
 * would let it pass without a word (`{ activaton: 'relu' }`, Keras's `stddev` for `std`). An unknown key
 * is an error naming it, the nearest known one (or the one `otherNames` gives for it) and all of them.
 * `options` undefined passes; anything but a plain object (a tensor, an array, a class instance) is an
 * error. `argument` names a nested options object (`'diagnostics.thresholds'`): the errors name it, and an
 * unknown key in it as `'diagnostics.thresholds.vanish'`.
 */
export function assertKnownOptions(
  context: string,
  options: unknown,
  known: readonly string[],
  /** Other libraries' names for known options, suggested for them: `{ stddev: 'std' }` (Keras). */
  otherNames: Readonly<Record<string, string>> = {},
  argument = 'options',
): void {
  if (options === undefined) return;
  // a plain object: a tensor, an array or a class instance in its place is an argument out of order
  const prototype: unknown =
    options === null || typeof options !== 'object' ? undefined : Object.getPrototypeOf(options);
  if (prototype !== Object.prototype && prototype !== null)
    throw new GradwellArgumentError(context, argument, objectOf(known), options);
  const given = options as Record<string, unknown>;
  const nested = argument !== 'options';
  for (const key of Object.keys(given)) {
    if (known.includes(key)) continue;
    const other = Object.hasOwn(otherNames, key) ? otherNames[key] : undefined;
    const nearest = other !== undefined && known.includes(other) ? other : findNearestName(key, known);
    throw GradwellArgumentError.because(
      context,
      nested ? `${argument}.${key}` : key,
      `unknown option '${key}'${nested ? ` in '${argument}'` : ''}` +
        `${nearest === undefined ? '' : ` (did you mean '${nearest}'?)`}; ` +
        (known.length === 0
          ? `${nested ? `'${argument}'` : 'it'} takes no options.`
          : nested
            ? `'${argument}' takes ${known.join(', ')}.`
            : `its options are ${known.join(', ')}.`),
      given[key],
    );
  }
}

const objectOf = (known: readonly string[]) =>
  known.length === 0 ? 'an object of options' : `an object of options { ${known.join(', ')} }`;

/**
 * `assertKnownOptions` for an options object that has no default (`cosineDecay({ initial, totalSteps })`):
 * leaving it out, or giving its values in its place (`cosineDecay(0.1, 1000)`), is an error naming the
 * object and its keys, before a field of it is read.
 */
export function assertRequiredOptions(
  context: string,
  options: unknown,
  known: readonly string[],
  otherNames: Readonly<Record<string, string>> = {},
): void {
  if (options === undefined) throw new GradwellArgumentError(context, 'options', objectOf(known), options);
  assertKnownOptions(context, options, known, otherNames);
}

/** 'activations', 'losses', 'augmentation steps'. */
const plural = (kind: string) => (/(s|x|ch|sh)$/.test(kind) ? `${kind}es` : `${kind}s`);

/** A name no registry entry (or alias) has; the message lists the known names and the nearest one. */
export class UnknownNameError extends Error {
  override readonly name = 'UnknownNameError';
  constructor(
    /** What the registry holds: 'activation', 'initializer', 'layer', … */
    readonly kind: string,
    readonly requested: string,
    readonly known: readonly string[],
    readonly suggestion: string | undefined,
    /** Whether the name given was a string at all. */
    notAString = false,
  ) {
    super(
      notAString
        ? `A ${kind} name must be a string, got ${requested}. Known ${plural(kind)}: ${known.join(', ')}.`
        : `Unknown ${kind} '${requested}'.${suggestion === undefined ? '' : ` Did you mean '${suggestion}'?`} Known ${plural(kind)}: ${known.join(', ')}.`,
    );
  }
}

export function createRegistry<T>(kind: string): Registry<T> {
  const entries = new Map<string, T>();
  const aliasTargets = new Map<string, string>();

  const assertFree = (name: string): void => {
    if (typeof name !== 'string' || name.length === 0) {
      throw new TypeError(`${kind} registry: a name must be a non-empty string, got ${JSON.stringify(name)}`);
    }
    if (entries.has(name) || aliasTargets.has(name)) {
      const owner = aliasTargets.get(name);
      throw new Error(
        `${kind} registry: the name '${name}' is already registered${owner === undefined ? '' : ` (as an alias of '${owner}')`}; ` +
          `choose another name (registrations never overwrite).`,
      );
    }
  };

  const resolveName = (name: string): string => {
    if (typeof name !== 'string')
      throw new UnknownNameError(kind, describeValue(name), [...entries.keys()].sort(), undefined, true);
    if (entries.has(name)) return name;
    const target = aliasTargets.get(name);
    if (target !== undefined) return target;
    const known = [...entries.keys()].sort();
    const nearest = findNearestName(String(name), [...known, ...aliasTargets.keys()]);
    throw new UnknownNameError(kind, String(name), known, nearest);
  };

  return {
    kind,
    register(name, value, options = {}) {
      const aliases = options.aliases ?? [];
      assertFree(name);
      for (const alias of aliases) assertFree(alias);
      if (new Set([name, ...aliases]).size !== aliases.length + 1) {
        throw new Error(`${kind} registry: '${name}' lists the same name twice among its aliases.`);
      }
      entries.set(name, value);
      for (const alias of aliases) aliasTargets.set(alias, name);
    },
    get: (name) => entries.get(resolveName(name)) as T,
    has: (name) => entries.has(name) || aliasTargets.has(name),
    resolveName,
    list: () => [...entries.keys()].sort(),
    aliases: () => Object.fromEntries(aliasTargets),
  };
}
