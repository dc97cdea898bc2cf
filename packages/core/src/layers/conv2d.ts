/**
 * A 2-D convolution over NHWC images: y = f(conv(x, W) + b), W of shape [kh, kw, in, filters]. With a
 * fusable activation (linear, relu) the conv, bias and activation are one fused kernel; under a gradient
 * tape, with ReLU, the conv and gradwell's one bias-and-ReLU pass (`biasRelu`), and before max pooling
 * the pooling first (`applyMaxPooled`).
 */
import {
  engine,
  fused,
  maxPool,
  conv2d as tfConv2d,
  tidy,
  type Tensor,
  type Tensor4D,
} from '@tensorflow/tfjs-core';
import { biasRelu } from '../gradients/bias-relu';
import type { ObjectResolvers } from '../contracts';
import type { RandomSource } from '../random';
import { assertOneOf, assertPositiveInteger } from '../validation';
import { AFFINE_FIELDS, AffineLayer, type AffineArgs } from './affine-layer';
import type { ApplyContext } from './layer';
import { choiceField, defineLayerConfig, field, optionalField } from './layer-config';

export type Padding = 'valid' | 'same';

export interface Conv2dArgs extends AffineArgs {
  filters: number;
  /** A square size or [height, width]. */
  kernelSize: number | [number, number];
  /** Default 1. */
  strides?: number | [number, number];
  /** Default 'valid'. */
  padding?: Padding;
  /** Default 1. */
  dilationRate?: number | [number, number];
}

/** A max pooling's windows (what `Conv2d.applyMaxPooled` needs of a `MaxPool2d`). */
export interface PoolWindows {
  readonly poolSize: [number, number];
  readonly strides: [number, number];
  readonly padding: Padding;
}

export function toPair(
  context: string,
  argument: string,
  value: number | [number, number],
): [number, number] {
  const pair: [number, number] = typeof value === 'number' ? [value, value] : value;
  for (const v of pair) assertPositiveInteger(context, argument, v);
  return pair;
}

/** Output length of a conv or pool along one axis. */
export function convOutputLength(
  length: number,
  kernel: number,
  stride: number,
  padding: Padding,
  dilation = 1,
): number {
  for (const [name, value] of [
    ['length', length],
    ['kernel', kernel],
    ['stride', stride],
    ['dilation', dilation],
  ] as const)
    assertPositiveInteger('convOutputLength', name, value);
  assertOneOf('convOutputLength', 'padding', padding, ['same', 'valid']);
  const effective = (kernel - 1) * dilation + 1;
  return padding === 'same' ? Math.ceil(length / stride) : Math.floor((length - effective) / stride) + 1;
}

/** The config fields of a 2-D convolution (and of layers that take its arguments, such as weight norm's). */
export const CONV2D_FIELDS = {
  filters: field('integer'),
  kernelSize: field('pair'),
  strides: optionalField('pair'),
  padding: choiceField(['valid', 'same']),
  dilationRate: optionalField('pair'),
  ...AFFINE_FIELDS,
};

const CONV2D_CONFIG = defineLayerConfig('Conv2d', CONV2D_FIELDS);

export class Conv2d extends AffineLayer {
  readonly className: string = 'Conv2d';
  protected readonly layerConfig = CONV2D_CONFIG;
  readonly filters: number;
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly padding: Padding;
  readonly dilationRate: [number, number];

  constructor(args: Conv2dArgs) {
    super(args, 'conv2d');
    CONV2D_CONFIG.assertArgs(args);
    assertPositiveInteger('conv2d', 'filters', args.filters);
    this.filters = args.filters;
    this.kernelSize = toPair('conv2d', 'kernelSize', args.kernelSize);
    this.strides = toPair('conv2d', 'strides', args.strides ?? 1);
    this.dilationRate = toPair('conv2d', 'dilationRate', args.dilationRate ?? 1);
    this.padding = args.padding ?? 'valid';
    assertOneOf('conv2d', 'padding', this.padding, ['valid', 'same']);
  }

  protected override validateInputShape(inputShape: readonly number[]): void {
    if (inputShape.length !== 3) {
      throw this.inputError(
        `input must be NHWC images [batch, height, width, channels], got per-example shape [${inputShape.join(', ')}].`,
      );
    }
    const [h, w] = this.computeOutputShape(inputShape);
    if ((h as number) < 1 || (w as number) < 1) {
      throw this.inputError(
        `a ${this.kernelSize.join('×')} kernel does not fit input [${inputShape.join(', ')}] with padding '${this.padding}'.`,
      );
    }
  }

  protected override createWeights(inputShape: readonly number[], random: RandomSource): void {
    this.addKernelAndBias([...this.kernelSize, inputShape[2] as number, this.filters], this.filters, random);
  }

  protected product(x: Tensor): Tensor {
    const kernel = this.weight('kernel') as Tensor4D;
    return tfConv2d(x as Tensor4D, kernel, this.strides, this.padding, 'NHWC', this.dilationRate);
  }

  /** With an activation tfjs fuses (linear, relu), conv, bias and activation are one kernel (see above). */
  protected override call(x: Tensor, context: ApplyContext): Tensor {
    if (this.activation !== undefined && this.activation.fused === undefined) return super.call(x, context);
    const taped = this.tapedBiasRelu(x, context);
    if (taped !== undefined) return taped;
    return fused.conv2d({
      x: x as Tensor4D,
      filter: this.weight('kernel') as Tensor4D,
      strides: this.strides,
      pad: this.padding,
      dilations: this.dilationRate,
      bias: this.useBias ? this.weight('bias') : undefined,
      activation: this.activation?.fused ?? 'linear',
    });
  }

  /**
   * The layer followed by max pooling over `windows`, computed as relu(maxPool(conv(x, W)) + b): value for
   * value what maxPool(relu(conv(x, W) + b)) gives, as adding a channel's bias and ReLU are both
   * non-decreasing (in float32 too), so neither changes which value of a window is largest — with the
   * bias, the ReLU and, under a gradient tape, their gradient on the pooled values (a quarter of them for
   * 2×2 windows) instead of all. The gradients are the same too, but where a window holds two different
   * values that adding the bias rounds to the same largest float32: pooling after routes the window's
   * gradient to the first of them, pooling first to the larger (both subgradients of the max). NaN: max
   * pooling skips it (as the cpu backend does), so a window with a number in it has the same maximum
   * either way, and a window of NaN alone pools to −∞ layer by layer, to relu(−∞ + b) = 0 pooling first.
   * For a built layer with a bias and ReLU, under a gradient tape (where its own call runs the conv,
   * then `biasRelu`; without a tape one fused kernel adds the bias and ReLU for nothing) and a non-empty
   * batch; undefined elsewhere (then apply the layer, then the pooling). `Sequential` calls it for a
   * `Conv2d` followed by a `MaxPool2d`.
   */
  applyMaxPooled(x: Tensor, windows: PoolWindows, context: ApplyContext = {}): Tensor | undefined {
    const where = `${this.className} '${this.name}'.applyMaxPooled`;
    const poolSize = toPair(where, 'windows.poolSize', windows.poolSize);
    const strides = toPair(where, 'windows.strides', windows.strides);
    const padding = windows.padding;
    assertOneOf(where, 'windows.padding', padding, ['valid', 'same']);
    const fits =
      this.built && this.useBias && this.activation?.fused === 'relu' && engine().state.gradientDepth > 0;
    if (!fits) return undefined;
    this.checkApply(x, context);
    if (x.shape[0] === 0) return undefined;
    return tidy(() =>
      biasRelu(maxPool(this.product(x) as Tensor4D, poolSize, strides, padding), this.weight('bias')),
    );
  }

  override computeOutputShape(inputShape: readonly number[]): number[] {
    const [h, w] = inputShape as [number, number, number];
    return [
      convOutputLength(h, this.kernelSize[0], this.strides[0], this.padding, this.dilationRate[0]),
      convOutputLength(w, this.kernelSize[1], this.strides[1], this.padding, this.dilationRate[1]),
      this.filters,
    ];
  }

  static fromConfig(config: Record<string, unknown>, resolvers: ObjectResolvers): Conv2d {
    return new Conv2d(CONV2D_CONFIG.read(config, resolvers));
  }
}
