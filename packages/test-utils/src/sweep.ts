/**
 * The bad-input sweep: property-based tests (fast-check) over a package's public functions. Each target
 * describes its arguments; every generated case makes valid arguments and then, most of the time, spoils
 * one of them — wrong rank or dtype, NaN/Inf values, an empty or disposed tensor, a mismatched shape, a
 * non-finite or out-of-range hyper-parameter, an unknown name, a value of the wrong type. The property:
 *
 * - a spoiled argument gets a `GradwellArgumentError` (or another named error) whose message names it —
 *   or, where the target says so, a correct result (non-finite values propagate, an empty tensor is fine);
 * - valid arguments get a result, never an error;
 * - never a raw tfjs/wasm error (`Error`, `TypeError`, …), and no tensor leaked either way.
 *
 * Seeded (GRADWELL_SWEEP_SEED, default 20261129): a failure prints the seed, the path and the case, and
 * reruns exactly with `fc.assert(…, { seed, path })`.
 */
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { createRandom, type RandomSource } from '@gradwell/core';

interface ArgBase {
  /** The argument's name as error messages name it (`'rate'`, `'x'`). */
  name: string;
  /** Also accepted in an error naming this argument (e.g. a positional name and its option name). */
  aliases?: readonly string[];
}

export interface TensorArg extends ArgBase {
  kind: 'tensor';
  /** Ranks the function takes. */
  ranks: readonly number[];
  /** Default float32. */
  dtype?: 'float32' | 'int32';
  /** Range of each dimension (default [1, 5]). */
  dims?: readonly [number, number];
  /** Range of the values (default [−3, 3]); integers for int32. */
  values?: readonly [number, number];
  /** Copy the shape of this earlier tensor argument (mismatched shapes are then a corruption). */
  shapeOf?: string;
  /** Fixes some dimensions: `{ [axis]: size }`, or a size taken from an earlier tensor's axis. */
  fixed?: Readonly<Record<number, number | { of: string; axis: number }>>;
  /** NaN/Inf values: 'refused' (the default: an error naming the argument) or 'propagate' (a result). */
  nonFinite?: 'refused' | 'propagate' | 'accepted';
  /** An empty tensor (a 0-sized dimension): 'refused' (default) or 'accepted'. */
  empty?: 'refused' | 'accepted';
  /** Other dtypes: 'refused' (default) or 'accepted'. */
  otherDtype?: 'refused' | 'accepted';
}

export interface NumberArg extends ArgBase {
  kind: 'number';
  min?: number;
  max?: number;
  minInclusive?: boolean;
  maxInclusive?: boolean;
  integer?: boolean;
  /** May be left out (undefined is valid). */
  optional?: boolean;
  /**
   * Whether values outside [min, max] are spoilers (default true); false where the range only keeps valid
   * values apart from other arguments (uniform's min below its max) and outside it can still be valid.
   */
  rangeSpoils?: boolean;
}

export interface NameArg extends ArgBase {
  kind: 'name';
  known: readonly string[];
  /** May be left out (undefined, or null for "none"). */
  optional?: boolean;
}

export interface ChoiceArg extends ArgBase {
  kind: 'choice';
  /** Valid values (not only strings); spoiled with a value outside them. */
  values: readonly unknown[];
  /** May be left out (undefined, null: the default). */
  optional?: boolean;
}

export interface OptionsArg extends ArgBase {
  kind: 'options';
  /** The object's fields; each is spoiled on its own. */
  fields: readonly Arg[];
}

/** A value made fresh for each case and never spoiled (a model, a random source, a layer). */
export interface FixedArg extends ArgBase {
  kind: 'fixed';
  make(random: RandomSource): unknown;
  /** Frees it after the case (models, layers). */
  dispose?(value: unknown): void;
}

export type Arg = TensorArg | NumberArg | NameArg | ChoiceArg | OptionsArg | FixedArg;

export interface SweepTarget {
  /** The function under test, as its errors name it (`'dropout'`). */
  name: string;
  args: readonly Arg[];
  call(...args: unknown[]): unknown;
  /** Checks a result of valid (or acceptably spoiled) arguments; throws to fail. */
  check?(result: unknown, args: readonly unknown[]): void;
  /** Cases for this target (default: the sweep's per-target share); fewer for slow targets. */
  runs?: number;
}

interface Spoiled {
  /** The argument (or `options.field`) spoiled, and the names an error may use for it. */
  path: string;
  names: readonly string[];
  how: string;
  /** Whether a result (not an error) is also right. */
  resultAllowed: boolean;
}

interface Case {
  /** The arguments; `fixed` ones are made by `runCase` (so their tensors are counted there). */
  args: unknown[];
  random: RandomSource;
  spoiled: Spoiled | undefined;
  /** Tensors made for the case (the inputs), freed after it. */
  made: tf.Tensor[];
}

// Plain JavaScript errors, and WebAssembly's traps (RuntimeError: 'divide by zero', 'unreachable').
const ERROR_KINDS_THAT_ARE_RAW = new Set([
  'Error',
  'TypeError',
  'RangeError',
  'ReferenceError',
  'SyntaxError',
  'RuntimeError',
]);

function isTensor(value: unknown): value is tf.Tensor {
  return value instanceof tf.Tensor;
}

function collectTensors(value: unknown, into: Set<tf.Tensor>, depth = 0): void {
  if (depth > 4 || value === null || typeof value !== 'object') return;
  if (isTensor(value)) {
    into.add(value);
    return;
  }
  if (Array.isArray(value)) for (const item of value) collectTensors(item, into, depth + 1);
  else if (Object.getPrototypeOf(value) === Object.prototype)
    for (const item of Object.values(value as Record<string, unknown>)) collectTensors(item, into, depth + 1);
}

const between = (random: RandomSource, [lo, hi]: readonly [number, number]) =>
  lo + Math.floor(random.next() * (hi - lo + 1));

/**
 * The shape of a tensor argument (from `shapeOf`, `ranks`, `dims` and `fixed`), recorded under its name so
 * that later tensors tied to it follow it (a dtype or value spoil keeps the intended shape).
 */
function shapeFor(arg: TensorArg, random: RandomSource, shapes: Map<string, number[]>): number[] {
  const shape = drawShape(arg, random, shapes);
  shapes.set(arg.name, shape);
  return shape;
}

function drawShape(arg: TensorArg, random: RandomSource, shapes: Map<string, number[]>): number[] {
  if (arg.shapeOf !== undefined && shapes.has(arg.shapeOf)) return [...(shapes.get(arg.shapeOf) as number[])];
  const rank = arg.ranks[Math.floor(random.next() * arg.ranks.length)] as number;
  const shape = Array.from({ length: rank }, () => between(random, arg.dims ?? [1, 5]));
  for (const [axis, size] of Object.entries(arg.fixed ?? {})) {
    const a = Number(axis) < 0 ? rank + Number(axis) : Number(axis);
    if (a < 0 || a >= rank) continue;
    shape[a] = typeof size === 'number' ? size : ((shapes.get(size.of) ?? [])[size.axis] ?? shape[a] ?? 1);
  }
  return shape;
}

function makeTensor(
  arg: TensorArg,
  shape: number[],
  random: RandomSource,
  dtype = arg.dtype ?? 'float32',
): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const [lo, hi] = arg.values ?? [-3, 3];
  const values = Array.from({ length: size }, () =>
    dtype === 'int32' ? between(random, [Math.ceil(lo), Math.floor(hi)]) : lo + random.next() * (hi - lo),
  );
  return tf.tensor(values, shape, dtype);
}

function validNumber(arg: NumberArg, random: RandomSource): number | undefined {
  if (arg.optional === true && random.next() < 0.2) return undefined;
  const lo = arg.min ?? (arg.max !== undefined ? arg.max - 10 : -5);
  const hi = arg.max ?? (arg.min !== undefined ? arg.min + 10 : 5);
  for (let attempt = 0; attempt < 20; attempt++) {
    const v =
      arg.integer === true
        ? between(random, [Math.ceil(lo), Math.floor(hi)])
        : lo + random.next() * (hi - lo);
    const okMin = arg.min === undefined || (arg.minInclusive === false ? v > arg.min : v >= arg.min);
    const okMax = arg.max === undefined || (arg.maxInclusive === false ? v < arg.max : v <= arg.max);
    if (okMin && okMax) return v;
  }
  return arg.integer === true ? Math.ceil(lo + 1) : (lo + hi) / 2;
}

/** The ways an argument of this kind can be spoiled (with whether a result is also right). */
function spoilers(arg: Arg): Array<{ how: string; resultAllowed: boolean }> {
  switch (arg.kind) {
    case 'tensor':
      return [
        { how: 'wrong rank', resultAllowed: false },
        { how: 'other dtype', resultAllowed: arg.otherDtype === 'accepted' },
        { how: 'NaN values', resultAllowed: arg.nonFinite === 'propagate' || arg.nonFinite === 'accepted' },
        {
          how: 'Infinity values',
          resultAllowed: arg.nonFinite === 'propagate' || arg.nonFinite === 'accepted',
        },
        { how: 'empty', resultAllowed: arg.empty === 'accepted' },
        { how: 'disposed', resultAllowed: false },
        { how: 'not a tensor', resultAllowed: false },
        ...(arg.shapeOf !== undefined || arg.fixed !== undefined
          ? [{ how: 'mismatched shape', resultAllowed: false }]
          : []),
      ].filter((s) => !(s.how === 'wrong rank' && arg.ranks.length >= 6));
    case 'number':
      return [
        { how: 'NaN', resultAllowed: false },
        { how: 'Infinity', resultAllowed: arg.max === undefined && arg.integer !== true },
        { how: 'below range', resultAllowed: arg.min === undefined || arg.rangeSpoils === false },
        { how: 'above range', resultAllowed: arg.max === undefined || arg.rangeSpoils === false },
        { how: 'not an integer', resultAllowed: arg.integer !== true },
        { how: 'a string', resultAllowed: false },
      ].filter((s) => !s.resultAllowed);
    case 'name':
      return [
        { how: 'unknown name', resultAllowed: false },
        { how: 'not a string', resultAllowed: false },
      ];
    case 'choice':
      return [{ how: 'not one of the choices', resultAllowed: false }];
    case 'options':
      return arg.fields.flatMap((field) =>
        spoilers(field).map((s) => ({ ...s, how: `${field.name}: ${s.how}` })),
      );
    case 'fixed':
      return [];
  }
}

function spoilValue(
  arg: Arg,
  how: string,
  random: RandomSource,
  shapes: Map<string, number[]>,
  made: tf.Tensor[],
): unknown {
  switch (arg.kind) {
    case 'tensor': {
      const shape = shapeFor(arg, random, shapes);
      const keep = (t: tf.Tensor) => (made.push(t), t);
      switch (how) {
        case 'wrong rank': {
          const ranks = [0, 1, 2, 3, 4, 5].filter((r) => !arg.ranks.includes(r));
          const rank = ranks[Math.floor(random.next() * ranks.length)] as number;
          return keep(
            makeTensor(
              arg,
              Array.from({ length: rank }, () => between(random, [1, 3])),
              random,
            ),
          );
        }
        case 'other dtype':
          return keep(makeTensor(arg, shape, random, arg.dtype === 'int32' ? 'float32' : 'int32'));
        case 'NaN values':
        case 'Infinity values': {
          const t = makeTensor(arg, shape, random);
          const values = Array.from(t.dataSync());
          t.dispose();
          values[Math.floor(random.next() * values.length)] =
            how === 'NaN values' ? Number.NaN : Number.POSITIVE_INFINITY;
          return keep(tf.tensor(values, shape, arg.dtype === 'int32' ? 'float32' : (arg.dtype ?? 'float32')));
        }
        case 'empty': {
          const empty = [...shape];
          if (empty.length === 0) return keep(tf.tensor([], [0]));
          empty[Math.floor(random.next() * empty.length)] = 0;
          return keep(tf.zeros(empty, arg.dtype ?? 'float32'));
        }
        case 'disposed': {
          const t = makeTensor(arg, shape, random);
          t.dispose();
          return t;
        }
        case 'not a tensor':
          return [[1, 2], null, 'x', 3, {}][Math.floor(random.next() * 5)];
        case 'mismatched shape': {
          const other = [...shape];
          // The axes tied to another tensor: all of them (shapeOf), or the fixed ones.
          const tied =
            arg.shapeOf !== undefined
              ? other.map((_, i) => i)
              : Object.keys(arg.fixed ?? {})
                  .map(Number)
                  .map((a) => (a < 0 ? other.length + a : a))
                  .filter((a) => a >= 0 && a < other.length);
          const axis = tied.length === 0 ? 0 : (tied[Math.floor(random.next() * tied.length)] as number);
          if (other.length === 0) return keep(makeTensor(arg, [2], random));
          other[axis] = (other[axis] as number) + 1 + Math.floor(random.next() * 2);
          return keep(makeTensor(arg, other, random));
        }
      }
      throw new Error(`sweep: unknown spoiler '${how}'`);
    }
    case 'number': {
      const valid = validNumber({ ...arg, optional: false }, random) ?? 1;
      switch (how) {
        case 'NaN':
          return Number.NaN;
        case 'Infinity':
          return random.next() < 0.5 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
        case 'below range':
          return arg.minInclusive === false || arg.integer === true
            ? (arg.min as number) - (arg.integer ? 1 : 0)
            : (arg.min as number) - 0.5 - random.next();
        case 'above range':
          return arg.maxInclusive === false ? arg.max : (arg.max as number) + 0.5 + random.next();
        case 'not an integer':
          return Math.floor(valid) + 0.5;
        case 'a string':
          return String(valid);
      }
      throw new Error(`sweep: unknown spoiler '${how}'`);
    }
    case 'name': {
      if (how === 'unknown name') return `${arg.known[0] ?? 'x'}Typo`;
      const others = arg.optional === true ? [3, {}] : [null, 3, {}];
      return others[Math.floor(random.next() * others.length)];
    }
    case 'choice': {
      const outside = arg.optional === true ? ['no-such-choice', 42] : ['no-such-choice', 42, null];
      return outside[Math.floor(random.next() * outside.length)];
    }
    default:
      throw new Error(`sweep: '${arg.kind}' arguments are not spoiled`);
  }
}

function validValue(
  arg: Arg,
  random: RandomSource,
  shapes: Map<string, number[]>,
  made: tf.Tensor[],
): unknown {
  switch (arg.kind) {
    case 'number':
      return validNumber(arg, random);
    case 'tensor': {
      const t = makeTensor(arg, shapeFor(arg, random, shapes), random);
      made.push(t);
      return t;
    }
    case 'name':
      return arg.known[Math.floor(random.next() * arg.known.length)];
    case 'choice':
      return arg.values[Math.floor(random.next() * arg.values.length)];
    case 'options': {
      const object: Record<string, unknown> = {};
      for (const field of arg.fields) {
        const value = validValue(field, random, shapes, made);
        if (value !== undefined) object[field.name] = value;
      }
      return object;
    }
    case 'fixed':
      return undefined;
  }
}

/** Builds a case: valid arguments, then argument `spoilIndex`'s `spoilerIndex`-th spoiler (or none). */
function buildCase(target: SweepTarget, seed: number, spoilIndex: number, spoilerIndex: number): Case {
  const random = createRandom(seed);
  const shapes = new Map<string, number[]>();
  const made: tf.Tensor[] = [];
  const spoilable = target.args
    .map((arg, i) => ({ arg, i, ways: spoilers(arg) }))
    .filter((s) => s.ways.length > 0);
  const chosen =
    spoilIndex < 0 || spoilable.length === 0 ? undefined : spoilable[spoilIndex % spoilable.length];
  let spoiled: Spoiled | undefined;
  // Tensors shaped after another are made after it, whatever their order in the call.
  const refersTo = (arg: Arg): string[] =>
    arg.kind === 'tensor'
      ? [
          arg.shapeOf ?? '',
          ...Object.values(arg.fixed ?? {}).map((f) => (typeof f === 'object' ? f.of : '')),
        ].filter(Boolean)
      : [];
  const order = target.args
    .map((arg, i) => ({ i, late: refersTo(arg).length > 0 }))
    .sort((a, b) => Number(a.late) - Number(b.late));
  const made_: unknown[] = new Array(target.args.length);
  for (const { i } of order) made_[i] = makeArg(target.args[i] as Arg, i);
  const args = made_;
  return { args, spoiled, made, random };

  function makeArg(arg: Arg, i: number): unknown {
    if (chosen === undefined || chosen.i !== i) return validValue(arg, random, shapes, made);
    const way = chosen.ways[spoilerIndex % chosen.ways.length] as { how: string; resultAllowed: boolean };
    if (arg.kind === 'options') {
      const [fieldName, how] = way.how.split(': ') as [string, string];
      const field = arg.fields.find((f) => f.name === fieldName) as Arg;
      const object = validValue(arg, random, shapes, made) as Record<string, unknown>;
      object[field.name] = spoilValue(field, how, random, shapes, made);
      spoiled = {
        path: `${arg.name}.${field.name}`,
        names: [field.name, ...(field.aliases ?? [])],
        how,
        resultAllowed: way.resultAllowed,
      };
      return object;
    }
    const value = spoilValue(arg, way.how, random, shapes, made);
    const quoted = arg.kind === 'name' && typeof value === 'string' ? [value] : [];
    // A spoil that changes the shape breaks the tie with tensors shaped after this one (or it after them):
    // an error naming either side names the problem.
    const shapeSpoil = ['mismatched shape', 'wrong rank', 'empty'].includes(way.how);
    const tiedTo = (other: Arg, name: string) =>
      other.kind === 'tensor' &&
      (other.shapeOf === name ||
        Object.values(other.fixed ?? {}).some((f) => typeof f === 'object' && f.of === name));
    const partner =
      arg.kind === 'tensor' && shapeSpoil
        ? [
            arg.shapeOf ?? '',
            ...Object.values(arg.fixed ?? {}).map((f) => (typeof f === 'object' ? f.of : '')),
            ...target.args.filter((other) => tiedTo(other, arg.name)).map((other) => other.name),
          ]
        : [];
    spoiled = {
      path: arg.name,
      names: [arg.name, ...(arg.aliases ?? []), ...partner.filter(Boolean), ...quoted],
      how: way.how,
      resultAllowed: way.resultAllowed,
    };
    return value;
  }
}

function describeArg(a: unknown, depth = 0): string {
  if (isTensor(a)) return a.isDisposed ? 'a disposed tensor' : `${a.dtype}[${a.shape.join(', ')}]`;
  if (typeof a === 'number') return Number.isNaN(a) ? 'NaN' : String(a);
  if (typeof a === 'string') return JSON.stringify(a);
  if (typeof a === 'function') return '<function>';
  if (Array.isArray(a)) return depth > 2 ? '[…]' : `[${a.map((v) => describeArg(v, depth + 1)).join(', ')}]`;
  if (a !== null && typeof a === 'object') {
    if (Object.getPrototypeOf(a) !== Object.prototype) return `<${a.constructor?.name ?? 'object'}>`;
    if (Object.values(a).some((v) => typeof v === 'function')) return '<object with methods>';
    if (depth > 2) return '{…}';
    return `{ ${Object.entries(a)
      .map(([k, v]) => `${k}: ${describeArg(v, depth + 1)}`)
      .join(', ')} }`;
  }
  return String(a);
}

function describeArgs(args: readonly unknown[]): string {
  return args.map((a) => describeArg(a)).join(', ');
}

/** Runs one case; returns why it fails, or undefined when it holds. */
export async function runCase(target: SweepTarget, c: Case): Promise<string | undefined> {
  const before = tf.memory().numTensors;
  const fixed = target.args.map((arg, i) => {
    if (arg.kind !== 'fixed') return undefined;
    c.args[i] = arg.make(c.random);
    return { arg, value: c.args[i] };
  });
  const inputs = new Set(c.made);
  for (const value of c.args) collectTensors(value, inputs);
  let result: unknown;
  let error: unknown;
  try {
    result = target.call(...c.args);
    if (result instanceof Promise) result = await result;
  } catch (e) {
    error = e;
  }
  const what = `${target.name}(${describeArgs(c.args)})${c.spoiled ? ` with ${c.spoiled.path} spoiled (${c.spoiled.how})` : ''}`;
  let failure: string | undefined;
  if (
    error === undefined &&
    target.check !== undefined &&
    (c.spoiled === undefined || c.spoiled.resultAllowed)
  ) {
    try {
      target.check(result, c.args);
    } catch (e) {
      failure = `${what}: wrong result: ${(e as Error).message}`;
    }
  }
  const returned = new Set<tf.Tensor>();
  collectTensors(result, returned);
  for (const t of returned) if (!inputs.has(t) && !t.isDisposed) t.dispose();
  fixed.forEach((f) => f?.arg.kind === 'fixed' && f.arg.dispose?.(f.value));
  const leaked = tf.memory().numTensors - before;
  for (const t of c.made) if (!t.isDisposed) t.dispose();
  if (failure !== undefined) return failure;
  if (leaked !== 0) return `${what}: ${leaked} tensor(s) leaked`;
  if (error !== undefined) {
    const e = error as Error;
    const name = e?.name ?? typeof e;
    if (ERROR_KINDS_THAT_ARE_RAW.has(name) || !(e instanceof Error))
      return `${what}: a raw ${name}: ${String(e?.message ?? e).split('\n')[0]}`;
    if (c.spoiled === undefined) return `${what}: valid arguments refused: ${e.message}`;
    // A registry's miss names the value given (and lists the known names): it identifies the argument.
    if (
      (e.name === 'UnknownNameError' && c.spoiled.how.endsWith('name')) ||
      (e.name === 'UnknownNameError' && c.spoiled.how === 'not a string')
    )
      return undefined;
    if (
      !c.spoiled.names.some(
        (n) => e.message.includes(`'${n}'`) || e.message.includes(` ${n} `) || e.message.includes(`${n}:`),
      )
    )
      return `${what}: the error does not name '${c.spoiled.path}': ${e.message}`;
    return undefined;
  }
  if (c.spoiled !== undefined && !c.spoiled.resultAllowed) return `${what}: accepted without an error`;
  return undefined;
}

export interface SweepOptions {
  /** Cases per target (default: enough for `minCases` over all targets, at least 30). */
  runs?: number;
  /** Total cases the sweep must reach (default 1000). */
  minCases?: number;
  seed?: number;
}

/** The seed of every sweep (GRADWELL_SWEEP_SEED to change it). */
export function sweepSeed(): number {
  const given = Number(process.env.GRADWELL_SWEEP_SEED);
  return Number.isInteger(given) ? given : 20261129;
}

/**
 * Runs the sweep over `targets` with fast-check; returns the number of cases run. Throws, after every
 * target has run, listing each failing target's smallest failing case with its seed and path.
 */
export async function runSweep(targets: readonly SweepTarget[], options: SweepOptions = {}): Promise<number> {
  const seed = options.seed ?? sweepSeed();
  // Targets with their own count (slow ones) take theirs; the rest share what is left of minCases.
  const own = targets.filter((t) => t.runs !== undefined);
  const left = (options.minCases ?? 1000) - own.reduce((n, t) => n + (t.runs as number), 0);
  const runs = options.runs ?? Math.max(30, Math.ceil(left / Math.max(1, targets.length - own.length)));
  let cases = 0;
  const failures: string[] = [];
  for (const target of targets) {
    const ways = target.args.map(spoilers).reduce((n, s) => n + s.length, 0);
    const arbitrary = fc.record({
      seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      // −1: no spoiled argument (a valid call); otherwise which argument and which way.
      spoil: fc.integer({ min: -1, max: Math.max(target.args.length * 4, 1) }),
      way: fc.nat({ max: Math.max(ways, 1) * 3 }),
    });
    const details = await fc.check(
      fc.asyncProperty(arbitrary, async ({ seed: caseSeed, spoil, way }) => {
        const failure = await runCase(target, buildCase(target, caseSeed, spoil, way));
        if (failure !== undefined) throw new Error(failure);
      }),
      { seed, numRuns: target.runs ?? runs },
    );
    cases += target.runs ?? runs;
    if (details.failed) {
      const cause =
        details.errorInstance instanceof Error
          ? details.errorInstance.message
          : String(details.errorInstance);
      failures.push(
        `${target.name} — seed ${details.seed}, path "${details.counterexamplePath ?? ''}": ${cause}`,
      );
    }
  }
  if (failures.length > 0)
    throw new Error(
      `the bad-input sweep found ${failures.length} failing target(s) (GRADWELL_SWEEP_SEED=${seed}):\n${failures.join('\n')}`,
    );
  return cases;
}

/** What `throughLayer` builds: anything with `apply` and `dispose`, as every gradwell layer has. */
interface DisposableLayer {
  apply(x: tf.Tensor, kwargs?: { training?: boolean }): tf.Tensor;
  dispose(): void;
}

/**
 * A sweep target's `call` for a layer: builds it from the generated options, applies it to the generated
 * input (with `kwargs`, e.g. `{ training: true }`), and frees the layer whatever happened.
 */
export function throughLayer<Options>(
  make: (options: Options) => DisposableLayer,
  kwargs?: { training?: boolean },
): (options: unknown, x: unknown) => tf.Tensor {
  return (options, x) => {
    const layer = make(options as Options);
    try {
      return layer.apply(x as tf.Tensor, kwargs);
    } finally {
      layer.dispose();
    }
  };
}

/** Any tensor `x` of rank 0 to 5, NaN/Inf and empty accepted: the input of element-wise functions. */
export const anyTensor: TensorArg = {
  kind: 'tensor',
  name: 'x',
  ranks: [0, 1, 2, 3, 4, 5],
  nonFinite: 'accepted',
  empty: 'accepted',
};

/** A `random` argument: a fresh seeded RandomSource for every case. */
export const randomArg: Arg = { kind: 'fixed', name: 'random', make: (r) => createRandom(r.nextSeed()) };

/** A sweep check: the result is a tensor of the first argument's shape. */
export function keepsShape(result: unknown, args: readonly unknown[]): void {
  const got = (result as tf.Tensor).shape;
  const want = (args[0] as tf.Tensor).shape;
  if (got.length !== want.length || got.some((d, i) => d !== want[i]))
    throw new Error(`the result's shape [${got.join(', ')}] is not the input's [${want.join(', ')}]`);
}

/**
 * An optional integer option in [min, max] — a size or a count — whose values outside the range are still
 * valid input (the range only keeps cases small), so they are not generated as spoilers.
 */
export function countField(name: string, max: number, min = 1): NumberArg {
  return { kind: 'number', name, min, max, integer: true, rangeSpoils: false, optional: true };
}

/** An options object named `options` with these fields (each spoiled on its own). */
export function optionsArg(...fields: Arg[]): OptionsArg {
  return optionsNamed('options', ...fields);
}

/** An options object with this argument name (`args`, `spec`, …) and these fields. */
export function optionsNamed(name: string, ...fields: Arg[]): OptionsArg {
  return { kind: 'options', name, fields };
}

/** An integer in [min, max] (values outside are spoilers); `optional` lets it be left out. */
export function integerField(name: string, min: number, max: number, optional = false): NumberArg {
  return { kind: 'number', name, min, max, integer: true, ...(optional ? { optional } : {}) };
}
