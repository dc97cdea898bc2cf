/**
 * A depthwise 2-D convolution over NHWC images (Chollet 2017's building block): each input channel is
 * convolved with its own `depthMultiplier` filters, W of shape [kh, kw, channels, depthMultiplier], so
 * the output has channels·depthMultiplier channels; y = f(depthwise(x, W) + b).
 */
import { depthwiseConv2d, type Tensor, type Tensor4D } from '@tensorflow/tfjs-core';
import type { ObjectResolvers } from '../contracts';
import type { RandomSource } from '../random';
import { assertOneOf, assertPositiveInteger } from '../validation';
import { AFFINE_FIELDS, AffineLayer, type AffineArgs } from './affine-layer';
import { convOutputLength, toPair, type Padding } from './conv2d';
import { choiceField, defineLayerConfig, field, optionalField } from './layer-config';

export interface DepthwiseConv2dArgs extends AffineArgs {
  /** A square size or [height, width]. */
  kernelSize: number | [number, number];
  /** Filters per input channel; default 1. */
  depthMultiplier?: number;
  /** Default 1. */
  strides?: number | [number, number];
  /** Default 'valid'. */
  padding?: Padding;
  /** Default 1. */
  dilationRate?: number | [number, number];
}

const DEPTHWISE_CONV2D_CONFIG = defineLayerConfig('DepthwiseConv2d', {
  kernelSize: field('pair'),
  depthMultiplier: optionalField('integer'),
  strides: optionalField('pair'),
  padding: choiceField(['valid', 'same']),
  dilationRate: optionalField('pair'),
  ...AFFINE_FIELDS,
});

export class DepthwiseConv2d extends AffineLayer {
  readonly className = 'DepthwiseConv2d';
  protected readonly layerConfig = DEPTHWISE_CONV2D_CONFIG;
  readonly kernelSize: [number, number];
  readonly depthMultiplier: number;
  readonly strides: [number, number];
  readonly padding: Padding;
  readonly dilationRate: [number, number];

  constructor(args: DepthwiseConv2dArgs) {
    super(args, 'depthwiseConv2d');
    DEPTHWISE_CONV2D_CONFIG.assertArgs(args);
    this.kernelSize = toPair('depthwiseConv2d', 'kernelSize', args.kernelSize);
    this.depthMultiplier = args.depthMultiplier ?? 1;
    assertPositiveInteger('depthwiseConv2d', 'depthMultiplier', this.depthMultiplier);
    this.strides = toPair('depthwiseConv2d', 'strides', args.strides ?? 1);
    this.dilationRate = toPair('depthwiseConv2d', 'dilationRate', args.dilationRate ?? 1);
    this.padding = args.padding ?? 'valid';
    assertOneOf('depthwiseConv2d', 'padding', this.padding, ['valid', 'same']);
  }

  protected override validateInputShape(inputShape: readonly number[]): void {
    if (inputShape.length !== 3)
      throw this.inputError(
        `input must be NHWC images [batch, height, width, channels], got per-example shape [${inputShape.join(', ')}].`,
      );
    const [h, w] = this.computeOutputShape(inputShape);
    if ((h as number) < 1 || (w as number) < 1)
      throw this.inputError(
        `a ${this.kernelSize.join('×')} kernel does not fit input [${inputShape.join(', ')}] with padding '${this.padding}'.`,
      );
  }

  protected override createWeights(inputShape: readonly number[], random: RandomSource): void {
    const channels = inputShape[2] as number;
    const kernelShape = [...this.kernelSize, channels, this.depthMultiplier];
    this.addKernelAndBias(kernelShape, channels * this.depthMultiplier, random);
  }

  protected product(x: Tensor): Tensor {
    const kernel = this.weight('kernel') as Tensor4D;
    return depthwiseConv2d(x as Tensor4D, kernel, this.strides, this.padding, 'NHWC', this.dilationRate);
  }

  override computeOutputShape(inputShape: readonly number[]): number[] {
    const [h, w, channels] = inputShape as [number, number, number];
    return [
      convOutputLength(h, this.kernelSize[0], this.strides[0], this.padding, this.dilationRate[0]),
      convOutputLength(w, this.kernelSize[1], this.strides[1], this.padding, this.dilationRate[1]),
      channels * this.depthMultiplier,
    ];
  }

  static fromConfig(config: Record<string, unknown>, resolvers: ObjectResolvers): DepthwiseConv2d {
    return new DepthwiseConv2d(DEPTHWISE_CONV2D_CONFIG.read(config, resolvers));
  }
}
