/** Shared pieces of sweep targets: layer calls, common arguments and checks. */
import type * as tf from '@tensorflow/tfjs-core';
import { createRandom } from '@gradwell/core';
import type { Arg, NumberArg, OptionsArg, TensorArg } from './sweep-types';

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
