/**
 * A 2-D convolution over NHWC images: y = f(conv(x, W) + b), W of shape [kh, kw, in, filters]. With a
 * fusable activation (linear, relu) the conv, bias and activation are one fused kernel.
 */
import { add, conv2d as tfConv2d, fused, tidy, type Tensor, type Tensor4D } from '@tensorflow/tfjs-core';
import type { ActivationFunction, Initializer, ObjectResolvers } from '../contracts';
import type { RandomSource } from '../random';
import { assertOneOf, assertPositiveInteger } from '../validation';
import { glorotUniformInitializer, zerosInitializer } from './default-initializers';
import { BaseLayer, type HasPreActivation } from './layer';
import { choiceField, defineLayerConfig, field, optionalField } from './layer-config';

export type Padding = 'valid' | 'same';

export interface Conv2dArgs {
  filters: number;
  /** A square size or [height, width]. */
  kernelSize: number | [number, number];
  /** Default 1. */
  strides?: number | [number, number];
  /** Default 'valid'. */
  padding?: Padding;
  /** Default 1. */
  dilationRate?: number | [number, number];
  activation?: ActivationFunction;
  useBias?: boolean;
  kernelInitializer?: Initializer;
  biasInitializer?: Initializer;
  name?: string;
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
  const effective = (kernel - 1) * dilation + 1;
  return padding === 'same' ? Math.ceil(length / stride) : Math.floor((length - effective) / stride) + 1;
}

const CONV2D_CONFIG = defineLayerConfig('Conv2d', {
  filters: field('integer'),
  kernelSize: field('pair'),
  strides: optionalField('pair'),
  padding: choiceField(['valid', 'same']),
  dilationRate: optionalField('pair'),
  activation: field('activation'),
  useBias: optionalField('boolean'),
  kernelInitializer: optionalField('initializer'),
  biasInitializer: optionalField('initializer'),
});

export class Conv2d extends BaseLayer implements HasPreActivation {
  readonly className = 'Conv2d';
  readonly filters: number;
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly padding: Padding;
  readonly dilationRate: [number, number];
  readonly activation: ActivationFunction | undefined;
  readonly useBias: boolean;
  readonly kernelInitializer: Initializer;
  readonly biasInitializer: Initializer;

  constructor(args: Conv2dArgs) {
    super(args.name, 'conv2d');
    assertPositiveInteger('conv2d', 'filters', args.filters);
    this.filters = args.filters;
    this.kernelSize = toPair('conv2d', 'kernelSize', args.kernelSize);
    this.strides = toPair('conv2d', 'strides', args.strides ?? 1);
    this.dilationRate = toPair('conv2d', 'dilationRate', args.dilationRate ?? 1);
    this.padding = args.padding ?? 'valid';
    assertOneOf('conv2d', 'padding', this.padding, ['valid', 'same']);
    this.activation = args.activation;
    this.useBias = args.useBias ?? true;
    this.kernelInitializer = args.kernelInitializer ?? glorotUniformInitializer;
    this.biasInitializer = args.biasInitializer ?? zerosInitializer;
  }

  protected override validateInputShape(inputShape: readonly number[]): void {
    if (inputShape.length !== 3) {
      throw new Error(
        `conv2d '${this.name}': input must be NHWC images [batch, height, width, channels], got per-example shape [${inputShape.join(', ')}].`,
      );
    }
    const [h, w] = this.computeOutputShape(inputShape);
    if ((h as number) < 1 || (w as number) < 1) {
      throw new Error(
        `conv2d '${this.name}': a ${this.kernelSize.join('×')} kernel does not fit input [${inputShape.join(', ')}] with padding '${this.padding}'.`,
      );
    }
  }

  protected override createWeights(inputShape: readonly number[], random: RandomSource): void {
    const channels = inputShape[2] as number;
    this.addWeight('kernel', [...this.kernelSize, channels, this.filters], this.kernelInitializer, random);
    if (this.useBias) this.addWeight('bias', [this.filters], this.biasInitializer, random);
  }

  protected call(x: Tensor): Tensor {
    const kernel = this.weight('kernel') as Tensor4D;
    const bias = this.useBias ? this.weight('bias') : undefined;
    const input = x as Tensor4D;
    if (this.activation === undefined || this.activation.fused !== undefined) {
      return fused.conv2d({
        x: input,
        filter: kernel,
        strides: this.strides,
        pad: this.padding,
        dilations: this.dilationRate,
        bias,
        activation: this.activation?.fused ?? 'linear',
      });
    }
    const linear = tfConv2d(input, kernel, this.strides, this.padding, 'NHWC', this.dilationRate);
    return this.activation.apply(bias === undefined ? linear : add(linear, bias));
  }

  applyPreActivation(x: Tensor): Tensor {
    if (!this.built) this.build(x.shape.slice(1));
    return tidy(() => {
      const linear = tfConv2d(
        x as Tensor4D,
        this.weight('kernel') as Tensor4D,
        this.strides,
        this.padding,
        'NHWC',
        this.dilationRate,
      );
      return this.useBias ? add(linear, this.weight('bias')) : linear;
    });
  }

  computeOutputShape(inputShape: readonly number[]): number[] {
    const [h, w] = inputShape as [number, number, number];
    return [
      convOutputLength(h, this.kernelSize[0], this.strides[0], this.padding, this.dilationRate[0]),
      convOutputLength(w, this.kernelSize[1], this.strides[1], this.padding, this.dilationRate[1]),
      this.filters,
    ];
  }

  getConfig(): Record<string, unknown> {
    return CONV2D_CONFIG.write(this);
  }

  static fromConfig(config: Record<string, unknown>, resolvers: ObjectResolvers): Conv2d {
    return new Conv2d(CONV2D_CONFIG.read(config, resolvers));
  }
}
