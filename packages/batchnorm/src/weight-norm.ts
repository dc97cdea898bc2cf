/**
 * Weight normalisation (Salimans & Kingma 2016): each output unit's weight vector written as w = g·v/‖v‖,
 * its length g learned apart from its direction v. Like batch norm it takes the scale of the weights out
 * of the direction's gradient (∇_v = (g/‖v‖)·(I − vvᵀ/‖v‖²)∇_w, orthogonal to v), but it uses no batch
 * statistics: the same computation in training and inference, at any batch size, and no running averages.
 *
 * `WeightNormDense` and `WeightNormConv2d` are the dense and conv layers with that kernel: the layer's
 * `kernel` weight is v; `g` (one per output unit, the last axis) starts as the norm of v's initial
 * columns, so a fresh layer computes what the plain layer with the same initialiser does. The kernel
 * g·v/‖v‖ is made once per call (a pass over the weights), then the plain layer's fused kernels run with
 * it — or, for a dense layer in training on a batch of fewer rows than features, the per-unit scale goes on
 * the product instead. `initializeWeightNorm` is the paper's data-dependent initialisation.
 */
import {
  add,
  customGrad,
  div,
  engine,
  matMul,
  mul,
  ones,
  reshape,
  sqrt,
  square,
  tidy,
  type GradSaveFunc,
  type Tensor,
  type Tensor2D,
  type Variable,
} from '@tensorflow/tfjs-core';
import {
  assertPositiveInteger,
  biasRelu,
  Conv2d,
  CONV2D_FIELDS,
  Dense,
  DENSE_FIELDS,
  defineLayerConfig,
  type ApplyContext,
  type Conv2dArgs,
  type DenseArgs,
  type Initializer,
  type ObjectResolvers,
  type RandomSource,
} from '@gradwell/core';

/** g·v/‖v‖, the norm of v taken over every axis but the last (one per output unit). */
export function weightNormKernel(v: Tensor, g: Tensor): Tensor {
  return mul(v, div(g, kernelNorms(v)));
}

/**
 * The norm of each output unit's weights: over every axis of `kernel` but the last. The sum of squares is
 * a product with a row of ones (one GEMV: a sum over the leading axis transposes the kernel on wasm), and
 * the gradient is its closed form ∂‖v‖/∂v = v/‖v‖, one broadcast pass: a training step of the MLP's
 * 784×512 weight-normalised layer went from 1.69× a plain layer's (autodiff through `sum(square(v), 0)`)
 * to ≈ 1.27× (docs/measurements/weight-norm.md).
 */
export function kernelNorms(kernel: Tensor): Tensor {
  const units = kernel.shape[kernel.rank - 1] as number;
  const rows = kernel.size / units;
  const op = customGrad(((v: Tensor, save: GradSaveFunc) => {
    const norms = reshape(sqrt(matMul(ones([1, rows]), square(reshape(v, [rows, units])))), [units]);
    save([v, norms]);
    return { value: norms, gradFunc: (dy: Tensor, [saved, n]: Tensor[]) => mul(saved!, div(dy, n!)) };
  }) as unknown as Parameters<typeof customGrad<Tensor>>[0]);
  return op(kernel);
}

/** The shared part of the two layers: g next to the kernel v, and the kernel the plain layer computes with. */
interface WeightNormHost {
  readonly className: string;
  readonly name: string;
  kernelVariable(): Variable;
}

/** g's initial value: the norms of the kernel's columns as they are (also after `resetWeights`). */
function normsOfKernel(host: WeightNormHost): Initializer {
  return {
    className: 'KernelNorms',
    apply: () => {
      const norms = tidy(() => kernelNorms(host.kernelVariable()));
      const zero = Array.from(norms.dataSync()).findIndex((n) => !(n > 0) || !Number.isFinite(n));
      if (zero >= 0) {
        norms.dispose();
        throw new Error(
          `${host.className} '${host.name}': weight normalisation divides by the norm of each unit's weights, and unit ${zero}'s initial weights have norm 0 (or not finite); give a kernelInitializer that draws random weights (the default does).`,
        );
      }
      return norms;
    },
    getConfig: () => ({}),
  };
}

const WEIGHT_NORM_DENSE_CONFIG = defineLayerConfig('WeightNormDense', DENSE_FIELDS);

/** A dense layer y = f(x·(g·v/‖v‖) + b); weights `kernel` (v), `bias`, `g`. */
export class WeightNormDense extends Dense implements WeightNormHost {
  override readonly className: string = 'WeightNormDense';
  protected override readonly layerConfig = WEIGHT_NORM_DENSE_CONFIG;

  constructor(args: DenseArgs) {
    WEIGHT_NORM_DENSE_CONFIG.assertArgs(args);
    assertPositiveInteger('weightNormDense', 'units', args.units);
    super(args);
    if (args.name === undefined) this.name = 'weightNormDense';
  }

  protected override createWeights(inputShape: readonly number[], random: RandomSource): void {
    super.createWeights(inputShape, random);
    this.addWeight('g', [this.units], normsOfKernel(this), random);
  }

  kernelVariable(): Variable {
    return super.weight('kernel');
  }

  /** The kernel is g·v/‖v‖ wherever the dense layer reads it (fused, taped, pre-activation). */
  protected override weight(name: string): Variable {
    if (name !== 'kernel') return super.weight(name);
    return weightNormKernel(super.weight('kernel'), super.weight('g')) as Variable;
  }

  /**
   * Under a gradient tape, for a batch of fewer rows than input features, (x·v)·(g/‖v‖): the same values
   * as x·(g·v/‖v‖), with the per-unit scale on the [rows, units] product instead of the [features, units]
   * kernel — fewer passes over the kernel forward and back (the MLP's 784×512 layer at batch 128: a step
   * ≈ 1.2× faster than scaling the kernel). Elsewhere the plain layer with the scaled kernel.
   */
  protected override call(x: Tensor, context: ApplyContext): Tensor {
    const v = super.weight('kernel');
    if (engine().state.gradientDepth === 0 || x.rank !== 2 || x.shape[0] >= v.shape[0])
      return super.call(x, context);
    const product = mul(matMul(x as Tensor2D, v as Tensor2D), div(super.weight('g'), kernelNorms(v)));
    if (this.useBias && this.activation?.fused === 'relu') return biasRelu(product, super.weight('bias'));
    const linear = this.useBias ? add(product, super.weight('bias')) : product;
    return this.activation === undefined ? linear : this.activation.apply(linear);
  }

  static override fromConfig(config: Record<string, unknown>, resolvers: ObjectResolvers): WeightNormDense {
    return new WeightNormDense(WEIGHT_NORM_DENSE_CONFIG.read(config, resolvers));
  }
}

const WEIGHT_NORM_CONV2D_CONFIG = defineLayerConfig('WeightNormConv2d', CONV2D_FIELDS);

/** A 2-D convolution (NHWC) y = f(conv(x, g·v/‖v‖) + b), the norm per filter; weights `kernel` (v), `bias`, `g`. */
export class WeightNormConv2d extends Conv2d implements WeightNormHost {
  override readonly className: string = 'WeightNormConv2d';
  protected override readonly layerConfig = WEIGHT_NORM_CONV2D_CONFIG;

  constructor(args: Conv2dArgs) {
    WEIGHT_NORM_CONV2D_CONFIG.assertArgs(args);
    assertPositiveInteger('weightNormConv2d', 'filters', args.filters);
    super(args);
    if (args.name === undefined) this.name = 'weightNormConv2d';
  }

  protected override createWeights(inputShape: readonly number[], random: RandomSource): void {
    super.createWeights(inputShape, random);
    this.addWeight('g', [this.filters], normsOfKernel(this), random);
  }

  kernelVariable(): Variable {
    return super.weight('kernel');
  }

  /** The kernel is g·v/‖v‖ wherever the conv layer reads it (fused, taped, pre-activation). */
  protected override weight(name: string): Variable {
    if (name !== 'kernel') return super.weight(name);
    return weightNormKernel(super.weight('kernel'), super.weight('g')) as Variable;
  }

  static override fromConfig(config: Record<string, unknown>, resolvers: ObjectResolvers): WeightNormConv2d {
    return new WeightNormConv2d(WEIGHT_NORM_CONV2D_CONFIG.read(config, resolvers));
  }
}

/** A dense layer with weight normalisation (see {@link WeightNormDense}). */
export function weightNormDense(args: DenseArgs): WeightNormDense {
  return new WeightNormDense(args);
}

/** A 2-D convolution with weight normalisation (see {@link WeightNormConv2d}). */
export function weightNormConv2d(args: Conv2dArgs): WeightNormConv2d {
  return new WeightNormConv2d(args);
}

/** Whether a layer is weight-normalised (has a kernel v and its length g). */
export function isWeightNormalized(layer: unknown): layer is WeightNormDense | WeightNormConv2d {
  return layer instanceof WeightNormDense || layer instanceof WeightNormConv2d;
}
