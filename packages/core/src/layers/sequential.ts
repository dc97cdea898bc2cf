/**
 * A stack of layers applied in order. It exposes its layers (for diagnostics, LSUV, transfer learning,
 * auxiliary heads), builds them with per-layer random sources forked from one seed, makes layer names
 * unique, and serialises to plain JSON.
 */
import { tidy, type Tensor } from '@tensorflow/tfjs-core';
import type { ObjectResolvers, SerializedObject } from '../contracts';
import { createRandom, getGlobalRandom, type RandomSource } from '../random';
import { assertKnownOptions, optionKeys, type Registry } from '../registry';
import { assertTensor, GradwellArgumentError } from '../validation';
import { Conv2d } from './conv2d';
import { serializeLayer, type ApplyContext, type Layer, type LayerWeight } from './layer';
import { MaxPool2d } from './pooling';

export interface SequentialArgs {
  name?: string;
  /** Per-example input shape; when given, the model is built at once (with `seed`). */
  inputShape?: readonly number[];
  /** Seed for the weights' initial values when built from `inputShape`. */
  seed?: number;
}

const SEQUENTIAL_KEYS = optionKeys<SequentialArgs>({ name: 1, inputShape: 1, seed: 1 });

/**
 * A `Conv2d` (a bias and ReLU) and the `MaxPool2d` after it as one computation, the pooling first, where
 * the conv layer can (`Conv2d.applyMaxPooled`: under a gradient tape); undefined elsewhere. Exact classes
 * only: a subclass may compute otherwise. `applyWithIntermediates`, which gives each layer's own output,
 * never pools first.
 */
function poolsFirst(
  layer: Layer,
  next: Layer | undefined,
  x: Tensor,
  context: ApplyContext,
): Tensor | undefined {
  if (next === undefined || Object.getPrototypeOf(next) !== MaxPool2d.prototype) return undefined;
  if (Object.getPrototypeOf(layer) !== Conv2d.prototype) return undefined;
  const conv = layer as Conv2d;
  const pool = next as MaxPool2d;
  // layers built for other inputs get their own errors from their own `apply`
  const shape = x.shape.slice(1);
  if (!conv.isBuiltFor(shape) || !pool.isBuiltFor(conv.computeOutputShape(shape))) return undefined;
  return conv.applyMaxPooled(x, pool, context);
}

/** Builds a layer from its serialised config. */
export type LayerFactory = (config: Record<string, unknown>, resolvers: ObjectResolvers) => Layer;

export class Sequential implements Layer {
  readonly className = 'Sequential';
  name: string;
  readonly layers: readonly Layer[];
  private inputShape: number[] | undefined;

  constructor(layers: readonly Layer[], args: SequentialArgs = {}) {
    assertKnownOptions('sequential', args, SEQUENTIAL_KEYS);
    this.name = args.name ?? 'sequential';
    this.layers = [...layers];
    const seen = new Map<string, number>();
    for (const layer of this.layers) {
      const count = seen.get(layer.name) ?? 0;
      seen.set(layer.name, count + 1);
      if (count > 0) layer.name = `${layer.name}_${count}`;
    }
    const names = new Set(this.layers.map((l) => l.name));
    if (names.size !== this.layers.length)
      throw new Error(`sequential '${this.name}': layer names must be unique.`);
    if (args.inputShape !== undefined) this.build(args.inputShape, createRandom(args.seed ?? 0));
  }

  get trainable(): boolean {
    return this.layers.some((l) => l.trainable);
  }

  set trainable(value: boolean) {
    for (const layer of this.layers) layer.trainable = value;
  }

  get built(): boolean {
    return this.inputShape !== undefined;
  }

  build(inputShape: readonly number[], random: RandomSource = getGlobalRandom()): void {
    let shape = [...inputShape];
    const built: Layer[] = [];
    try {
      for (const layer of this.layers) {
        const fresh = !(layer as { built?: boolean }).built;
        layer.build(shape, random.fork());
        if (fresh) built.push(layer);
        shape = layer.computeOutputShape(shape);
      }
    } catch (error) {
      // A layer that refuses its input shape leaves the model unbuilt, not half built.
      for (const layer of built) (layer as { unbuild?: () => void }).unbuild?.();
      throw error;
    }
    this.inputShape = [...inputShape];
  }

  private checkInput(x: Tensor): void {
    this.checkBatch(`Sequential '${this.name}'`, 'x', x);
  }

  /**
   * Checks that `batch` can go through the model — a live float32 tensor of examples, of the per-example
   * shape the model was built for — with an error naming `argument` of `context` (a caller's own names).
   */
  checkBatch(context: string, argument: string, batch: unknown): asserts batch is Tensor {
    assertTensor(context, argument, batch, { dtypes: ['float32'] });
    if (batch.rank < 1)
      throw new GradwellArgumentError(context, argument, 'a batch of examples (rank ≥ 1)', batch);
    const expected = this.inputShape;
    if (expected !== undefined) {
      const shape = batch.shape.slice(1);
      if (shape.length !== expected.length || shape.some((d, i) => d !== expected[i]))
        throw new GradwellArgumentError(
          context,
          argument,
          `a batch of examples of shape [${expected.join(', ')}]`,
          batch,
        );
    }
  }

  apply(x: Tensor, context: ApplyContext = {}): Tensor {
    this.checkInput(x);
    if (!this.built) this.build(x.shape.slice(1));
    return tidy(() => {
      let h = x;
      for (let i = 0; i < this.layers.length; i++) {
        const layer = this.layers[i] as Layer;
        const pooled = poolsFirst(layer, this.layers[i + 1], h, context);
        if (pooled !== undefined) i++; // the next layer, the pooling, is in `pooled`
        h = pooled ?? layer.apply(h, context);
      }
      return h;
    });
  }

  /** The output of every layer, in order (the last is the model's output). */
  applyWithIntermediates(x: Tensor, context: ApplyContext = {}): Tensor[] {
    this.checkInput(x);
    if (!this.built) this.build(x.shape.slice(1));
    const outputs: Tensor[] = [];
    let h = x;
    for (const layer of this.layers) {
      h = layer.apply(h, context);
      outputs.push(h);
    }
    return outputs;
  }

  computeOutputShape(inputShape: readonly number[]): number[] {
    return this.layers.reduce<number[]>((shape, layer) => layer.computeOutputShape(shape), [...inputShape]);
  }

  /** The per-example output shape of each layer, for a summary. */
  layerOutputShapes(inputShape: readonly number[]): number[][] {
    const shapes: number[][] = [];
    let shape = [...inputShape];
    for (const layer of this.layers) {
      shape = layer.computeOutputShape(shape);
      shapes.push(shape);
    }
    return shapes;
  }

  getLayer(name: string): Layer {
    const layer = this.layers.find((l) => l.name === name);
    if (layer === undefined) {
      throw GradwellArgumentError.because(
        `Sequential '${this.name}'`,
        'name',
        `argument 'name': the model has no layer '${String(name)}'; its layers: ${this.layers.map((l) => l.name).join(', ')}.`,
        name,
      );
    }
    return layer;
  }

  get weights(): readonly LayerWeight[] {
    return this.layers.flatMap((l) => l.weights);
  }

  get trainableWeights(): readonly LayerWeight[] {
    return this.layers.flatMap((l) => l.trainableWeights);
  }

  get nonTrainableWeights(): readonly LayerWeight[] {
    return this.layers.flatMap((l) => l.nonTrainableWeights);
  }

  getConfig(): Record<string, unknown> {
    return { name: this.name, inputShape: this.inputShape ?? null, layers: this.layers.map(serializeLayer) };
  }

  resetWeights(random: RandomSource = getGlobalRandom()): void {
    for (const layer of this.layers) layer.resetWeights(random.fork());
  }

  dispose(): void {
    for (const layer of this.layers) layer.dispose();
    this.inputShape = undefined;
  }

  /** Rebuilds a model from `getConfig()` output; layer classes come from `layers`. Weights are fresh. */
  static fromConfig(
    config: Record<string, unknown>,
    layers: Registry<LayerFactory>,
    resolvers: ObjectResolvers,
    seed = 0,
  ): Sequential {
    const serialized = config.layers as SerializedObject[];
    const built = serialized.map((s) => layers.get(s.className)(s.config, resolvers));
    const inputShape = config.inputShape as number[] | null;
    return new Sequential(built, {
      name: config.name as string,
      ...(inputShape ? { inputShape, seed } : {}),
    });
  }
}

/** A stack of layers applied in order (see {@link Sequential}). */
export function sequential(layers: readonly Layer[], args: SequentialArgs = {}): Sequential {
  return new Sequential(layers, args);
}
