/** The sweep's argument descriptions (what a target declares) and its generated cases. */
import type * as tf from '@tensorflow/tfjs-core';
import type { RandomSource } from '@gradwell/core';

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
  /** Fixes some dimensions: `{ [axis]: size }`, or a size taken from an earlier tensor's axis (−1: its last). */
  fixed?: Readonly<Record<number, number | { of: string; axis: number }>>;
  /** NaN/Inf values: 'refused' (the default: an error naming the argument) or 'propagate' (a result). */
  nonFinite?: 'refused' | 'propagate' | 'accepted';
  /** An empty tensor (a 0-sized dimension): 'refused' (default) or 'accepted'. */
  empty?: 'refused' | 'accepted';
  /** Other dtypes: 'refused' (default) or 'accepted'. */
  otherDtype?: 'refused' | 'accepted';
  /**
   * Whether another rank is a spoiler (default true); false where the function broadcasts, so that a
   * tensor of another rank can be as valid (batch-norm statistics of shape [C], [1, C] or []).
   */
  rankSpoils?: boolean;
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

export interface Spoiled {
  /** The argument (or `options.field`) spoiled, and the names an error may use for it. */
  path: string;
  names: readonly string[];
  how: string;
  /** Whether a result (not an error) is also right. */
  resultAllowed: boolean;
}

export interface Case {
  /** The arguments; `fixed` ones are made by `runCase` (so their tensors are counted there). */
  args: unknown[];
  random: RandomSource;
  spoiled: Spoiled | undefined;
  /** Tensors made for the case (the inputs), freed after it. */
  made: tf.Tensor[];
}
