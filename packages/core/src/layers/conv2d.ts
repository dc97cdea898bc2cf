/**
 * A 2-D convolution over NHWC images: y = f(conv(x, W) + b), W of shape [kh, kw, in, filters]. With a
 * fusable activation (linear, relu) the conv, bias and activation are one fused kernel; under a gradient
 * tape, with ReLU, the conv and gradwell's one bias-and-ReLU pass (`biasRelu`).
 */
import { conv2d as tfConv2d, fused, type Tensor, type Tensor4D } from '@tensorflow/tfjs-core';
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

const CONV2D_CONFIG = defineLayerConfig('Conv2d', {
  filters: field('integer'),
  kernelSize: field('pair'),
  strides: optionalField('pair'),
  padding: choiceField(['valid', 'same']),
  dilationRate: optionalField('pair'),
  ...AFFINE_FIELDS,
});

export class Conv2d extends AffineLayer {
  readonly className = 'Conv2d';
  protected readonly layerConfig = CONV2D_CONFIG;
  readonly filters: number;
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly padding: Padding;
  readonly dilationRate: [number, number];

  constructor(args: Conv2dArgs) {
    super(args, 'conv2d');
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
