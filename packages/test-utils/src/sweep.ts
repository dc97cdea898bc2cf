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
import { createRandom } from '@gradwell/core';
import type { Arg, Case, SweepTarget, Spoiled } from './sweep-types';
import { spoilers, spoilValue, validValue } from './sweep-values';

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
        (n) =>
          e.message.includes(`'${n}'`) ||
          e.message.includes(`'${n}[`) || // the element at fault: 'weights[0]'
          e.message.includes(`'${n}.`) || // the field at fault: 'optimizer.name'
          e.message.includes(` ${n} `) ||
          e.message.includes(`${n}:`),
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
