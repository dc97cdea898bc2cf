/** Valid and spoiled argument values for sweep cases: shapes, tensors, numbers, names and options. */
import * as tf from '@tensorflow/tfjs-core';
import type { RandomSource } from '@gradwell/core';
import type { Arg, NumberArg, TensorArg } from './sweep-types';

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
    if (typeof size === 'number') shape[a] = size;
    else {
      const of = shapes.get(size.of) ?? [];
      shape[a] = of[size.axis < 0 ? of.length + size.axis : size.axis] ?? shape[a] ?? 1;
    }
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
export function spoilers(arg: Arg): Array<{ how: string; resultAllowed: boolean }> {
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
      ].filter((s) => !(s.how === 'wrong rank' && (arg.ranks.length >= 6 || arg.rankSpoils === false)));
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

export function spoilValue(
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

export function validValue(
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
