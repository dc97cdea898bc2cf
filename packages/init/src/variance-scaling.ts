/**
 * Variance scaling, the one rule behind the named schemes: draw with zero mean and Var(W) = scale / n,
 * n = fan-in, fan-out or their average (`computeFans`: dense [in, out]; conv [kh, kw, in, out] counts the
 * receptive field times the channels).
 *
 * | scheme | scale | n | distribution | reference |
 * | --- | --- | --- | --- | --- |
 * | glorotStandard: U[±1/√fanIn] | 1/3 | fanIn | uniform | Glorot & Bengio 2010, their "standard" init |
 * | fanIn: σ = 1/√fanIn (= lecunUniform) | 1 | fanIn | uniform (or normal) | the lecture's "smart" init, LeCun et al. 1998 |
 * | glorotUniform / glorotNormal (xavier*) | gain² (1) | fanAvg | uniform / normal | Glorot & Bengio 2010, "normalized" init |
 * | glorotSigmoidUniform: 4·√(6/(in+out)) | 16 | fanAvg | uniform | Glorot & Bengio 2010, sigmoid units |
 * | heNormal / heUniform (kaiming*) | 2/(1+a²) | fanIn or fanOut | normal / uniform | He et al. 2015 (a: negative slope) |
 * | lecunNormal / lecunUniform | 1 | fanIn | normal / uniform | LeCun et al. 1998; Klambauer et al. 2017 (SELU) |
 *
 * A uniform U[−r, r] has variance r²/3, so r = √(3·scale/n); 'truncatedNormal' widens σ by 1/0.8796 so the
 * variance after cutting at ±2σ is still scale/n (as Keras does).
 */
import { assertInRange, assertOneOf, computeFans } from '@gradwell/core';
import { checkOptions, makeInitializer, type GradwellInitializer, type NoOptions } from './initializer';

export type FanMode = 'fanIn' | 'fanOut' | 'fanAvg';
export type Distribution = 'normal' | 'truncatedNormal' | 'uniform';

export interface VarianceScalingOptions {
  /** Default 1. */
  scale?: number;
  /** Default 'fanIn'. */
  mode?: FanMode;
  /** Default 'truncatedNormal'. */
  distribution?: Distribution;
}

/** σ of N(0, σ²) truncated at ±2σ is 0.8796·σ. */
const TRUNCATED_STD_FACTOR = 0.87962566103423978;

/** The variance a scheme aims at for a weight of this shape. */
export function targetVariance(shape: readonly number[], scale: number, mode: FanMode): number {
  const { fanIn, fanOut } = computeFans(shape);
  const n = mode === 'fanIn' ? fanIn : mode === 'fanOut' ? fanOut : (fanIn + fanOut) / 2;
  return scale / Math.max(1, n);
}

function scaled(
  className: string,
  config: Record<string, unknown>,
  scale: number,
  mode: FanMode,
  distribution: Distribution,
): GradwellInitializer {
  return makeInitializer(className, config, (shape, random) => {
    const variance = targetVariance(shape, scale, mode);
    if (distribution === 'uniform') {
      const limit = Math.sqrt(3 * variance);
      return random.uniformTensor(shape, -limit, limit);
    }
    if (distribution === 'normal') return random.normalTensor(shape, 0, Math.sqrt(variance));
    return random.truncatedNormalTensor(shape, 0, Math.sqrt(variance) / TRUNCATED_STD_FACTOR);
  });
}

function checkModeAndDistribution(context: string, mode: FanMode, distribution: Distribution): void {
  assertOneOf(context, 'mode', mode, ['fanIn', 'fanOut', 'fanAvg']);
  assertOneOf(context, 'distribution', distribution, ['normal', 'truncatedNormal', 'uniform']);
}

export function varianceScaling(options: VarianceScalingOptions = {}): GradwellInitializer {
  checkOptions('varianceScaling', options, ['scale', 'mode', 'distribution']);
  const { scale = 1, mode = 'fanIn', distribution = 'truncatedNormal' } = options;
  assertInRange('varianceScaling', 'scale', scale, { min: 0, minInclusive: false });
  checkModeAndDistribution('varianceScaling', mode, distribution);
  return scaled('varianceScaling', { scale, mode, distribution }, scale, mode, distribution);
}

/** Glorot & Bengio's "standard" U[−1/√fanIn, 1/√fanIn] (n·Var = 1/3), the baseline they compared against. */
export function glorotStandard(options?: NoOptions): GradwellInitializer {
  checkOptions('glorotStandard', options, []);
  return scaled('glorotStandard', {}, 1 / 3, 'fanIn', 'uniform');
}

/** The lecture's σ = 1/√fan-in — LeCun's scheme (uniform by default: identical to `lecunUniform`). */
export function fanIn(options: { distribution?: Distribution } = {}): GradwellInitializer {
  checkOptions('fanIn', options, ['distribution']);
  const { distribution = 'uniform' } = options;
  checkModeAndDistribution('fanIn', 'fanIn', distribution);
  return scaled('fanIn', { distribution }, 1, 'fanIn', distribution);
}

export interface GlorotOptions {
  /**
   * Multiplies the standard deviation (Var × gain²), as PyTorch's `xavier_*_(w, gain)`: 5/3 for tanh keeps
   * the variance of a deep tanh net from decaying. Default 1 (Glorot & Bengio's scheme as published).
   */
  gain?: number;
}

function glorot(className: string, distribution: Distribution, options: GlorotOptions): GradwellInitializer {
  checkOptions(className, options, ['gain']);
  const { gain = 1 } = options;
  assertInRange(className, 'gain', gain, { min: 0, minInclusive: false });
  return scaled(className, { gain }, gain * gain, 'fanAvg', distribution);
}

/** U[−r, r], r = gain·√(6/(fanIn + fanOut)) (Glorot & Bengio 2010, "normalized initialization"). */
export const glorotUniform = (options: GlorotOptions = {}): GradwellInitializer =>
  glorot('glorotUniform', 'uniform', options);

/** N(0, gain²·2/(fanIn + fanOut)). */
export const glorotNormal = (options: GlorotOptions = {}): GradwellInitializer =>
  glorot('glorotNormal', 'normal', options);

/** U[−r, r], r = 4·√(6/(fanIn + fanOut)): Glorot & Bengio's range for sigmoid units (σ′(0) = 1/4). */
export function glorotSigmoidUniform(options?: NoOptions): GradwellInitializer {
  checkOptions('glorotSigmoidUniform', options, []);
  return scaled('glorotSigmoidUniform', {}, 16, 'fanAvg', 'uniform');
}

export interface HeOptions {
  /** Default 'fanIn' (preserves forward variance); 'fanOut' preserves backward variance. */
  mode?: 'fanIn' | 'fanOut';
  /** Slope a of leaky ReLU / PReLU on the negative side: Var = 2/((1 + a²)·n). Default 0 (ReLU). */
  negativeSlope?: number;
}

function he(className: string, distribution: Distribution, options: HeOptions): GradwellInitializer {
  checkOptions(className, options, ['mode', 'negativeSlope']);
  const { mode = 'fanIn', negativeSlope = 0 } = options;
  assertOneOf(className, 'mode', mode, ['fanIn', 'fanOut']);
  assertInRange(className, 'negativeSlope', negativeSlope, { min: 0 });
  return scaled(
    className,
    { mode, negativeSlope },
    2 / (1 + negativeSlope * negativeSlope),
    mode,
    distribution,
  );
}

/** N(0, 2/n_l) (He et al. 2015): ½·n_l·Var[w_l] = 1 keeps Var[y_L] = Var[y_1] through ReLU layers. */
export const heNormal = (options: HeOptions = {}): GradwellInitializer => he('heNormal', 'normal', options);

/** U[−r, r], r = √(6/n_l): He's variance with a uniform distribution. */
export const heUniform = (options: HeOptions = {}): GradwellInitializer =>
  he('heUniform', 'uniform', options);

/** N(0, 1/fanIn): with SELU, self-normalising (Klambauer et al. 2017). */
export function lecunNormal(options?: NoOptions): GradwellInitializer {
  checkOptions('lecunNormal', options, []);
  return scaled('lecunNormal', {}, 1, 'fanIn', 'normal');
}

/** U[−r, r], r = √(3/fanIn). */
export function lecunUniform(options?: NoOptions): GradwellInitializer {
  checkOptions('lecunUniform', options, []);
  return scaled('lecunUniform', {}, 1, 'fanIn', 'uniform');
}
