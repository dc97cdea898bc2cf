/**
 * Max and average pooling over NHWC images, and the weightless reshaping layers (global average pool,
 * flatten). None has weights; all are exact tfjs ops.
 */
import { avgPool, maxPool, mean, reshape, type Tensor, type Tensor4D } from '@tensorflow/tfjs-core';
import { assertOneOf } from '../validation';
import { convOutputLength, toPair, type Padding } from './conv2d';
import { BaseLayer } from './layer';
import { choiceField, defineLayerConfig, optionalField } from './layer-config';

const poolFields = {
  poolSize: optionalField('pair'),
  strides: optionalField('pair'),
  padding: choiceField(['valid', 'same']),
};
const MAX_POOL_CONFIG = defineLayerConfig('MaxPool2d', poolFields);
const AVG_POOL_CONFIG = defineLayerConfig('AvgPool2d', poolFields);
const GLOBAL_AVERAGE_POOL_CONFIG = defineLayerConfig('GlobalAveragePool', {});
const FLATTEN_CONFIG = defineLayerConfig('Flatten', {});

export interface Pool2dArgs {
  /** Default 2. */
  poolSize?: number | [number, number];
  /** Default `poolSize` (non-overlapping windows). */
  strides?: number | [number, number];
  /** Default 'valid'. */
  padding?: Padding;
  name?: string;
}

abstract class Pool2d extends BaseLayer {
  readonly poolSize: [number, number];
  readonly strides: [number, number];
  readonly padding: Padding;

  constructor(args: Pool2dArgs, defaultName: string) {
    super(args.name, defaultName);
    this.poolSize = toPair(defaultName, 'poolSize', args.poolSize ?? 2);
    this.strides = toPair(defaultName, 'strides', args.strides ?? this.poolSize);
    this.padding = args.padding ?? 'valid';
    assertOneOf(defaultName, 'padding', this.padding, ['valid', 'same']);
  }

  protected override validateInputShape(inputShape: readonly number[]): void {
    const [h, w] = inputShape.length === 3 ? this.computeOutputShape(inputShape) : [0, 0];
    if ((h as number) < 1 || (w as number) < 1) {
      throw this.inputError(
        `input must be NHWC images whose height and width fit a ${this.poolSize.join('×')} window, got per-example shape [${inputShape.join(', ')}].`,
      );
    }
  }

  override computeOutputShape(inputShape: readonly number[]): number[] {
    const [h, w, c] = inputShape as [number, number, number];
    return [
      convOutputLength(h, this.poolSize[0], this.strides[0], this.padding),
      convOutputLength(w, this.poolSize[1], this.strides[1], this.padding),
      c,
    ];
  }
}

export class MaxPool2d extends Pool2d {
  readonly className = 'MaxPool2d';
  protected readonly layerConfig = MAX_POOL_CONFIG;
  constructor(args: Pool2dArgs = {}) {
    super(args, 'maxPool2d');
    MAX_POOL_CONFIG.assertArgs(args);
  }
  protected call(x: Tensor): Tensor {
    return maxPool(x as Tensor4D, this.poolSize, this.strides, this.padding);
  }
  static fromConfig(config: Record<string, unknown>): MaxPool2d {
    return new MaxPool2d(MAX_POOL_CONFIG.read(config));
  }
}

export class AvgPool2d extends Pool2d {
  readonly className = 'AvgPool2d';
  protected readonly layerConfig = AVG_POOL_CONFIG;
  constructor(args: Pool2dArgs = {}) {
    super(args, 'avgPool2d');
    AVG_POOL_CONFIG.assertArgs(args);
  }
  protected call(x: Tensor): Tensor {
    return avgPool(x as Tensor4D, this.poolSize, this.strides, this.padding);
  }
  static fromConfig(config: Record<string, unknown>): AvgPool2d {
    return new AvgPool2d(AVG_POOL_CONFIG.read(config));
  }
}

/** Max pooling (the maximum of each window). */
export function maxPool2d(args: Pool2dArgs = {}): MaxPool2d {
  return new MaxPool2d(args);
}

/** Average pooling (the mean of each window). */
export function avgPool2d(args: Pool2dArgs = {}): AvgPool2d {
  return new AvgPool2d(args);
}

/** Mean over height and width: [batch, h, w, c] → [batch, c]. */
export class GlobalAveragePool extends BaseLayer {
  readonly className = 'GlobalAveragePool';
  protected readonly layerConfig = GLOBAL_AVERAGE_POOL_CONFIG;
  constructor(args: { name?: string } = {}) {
    super(args.name, 'globalAveragePool');
    GLOBAL_AVERAGE_POOL_CONFIG.assertArgs(args);
  }
  protected override validateInputShape(inputShape: readonly number[]): void {
    if (inputShape.length !== 3) {
      throw this.inputError(`input must be NHWC images, got per-example shape [${inputShape.join(', ')}].`);
    }
  }
  protected call(x: Tensor): Tensor {
    return mean(x, [1, 2]);
  }
  override computeOutputShape(inputShape: readonly number[]): number[] {
    return [inputShape[2] as number];
  }
  static fromConfig(config: Record<string, unknown>): GlobalAveragePool {
    return new GlobalAveragePool(GLOBAL_AVERAGE_POOL_CONFIG.read(config));
  }
}

export function globalAveragePool(args: { name?: string } = {}): GlobalAveragePool {
  return new GlobalAveragePool(args);
}

/** [batch, ...] → [batch, product of the rest]. */
export class Flatten extends BaseLayer {
  readonly className = 'Flatten';
  protected readonly layerConfig = FLATTEN_CONFIG;
  constructor(args: { name?: string } = {}) {
    super(args.name, 'flatten');
    FLATTEN_CONFIG.assertArgs(args);
  }
  protected call(x: Tensor): Tensor {
    return reshape(x, [x.shape[0], x.shape.slice(1).reduce((a, b) => a * b, 1)]);
  }
  override computeOutputShape(inputShape: readonly number[]): number[] {
    return [inputShape.reduce((a, b) => a * b, 1)];
  }
  static fromConfig(config: Record<string, unknown>): Flatten {
    return new Flatten(FLATTEN_CONFIG.read(config));
  }
}

export function flatten(args: { name?: string } = {}): Flatten {
  return new Flatten(args);
}
