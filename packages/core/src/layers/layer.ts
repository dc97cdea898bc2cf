/**
 * The layer contract shared by every gradwell package, and a base class that keeps the bookkeeping
 * (lazy build, named weights, freezing, disposal) in one place.
 *
 * Shapes passed to `build` and `computeOutputShape` are per example (no batch axis).
 */
import { dispose, tidy, variable, zeros, type Tensor, type Variable } from '@tensorflow/tfjs-core';
import type { Initializer, SerializedObject } from '../contracts';
import type { ConfigField, LayerConfig } from './layer-config';
import { getGlobalRandom, type RandomSource } from '../random';
import { assertBoolean, assertTensor, GradwellArgumentError } from '../validation';

export interface ApplyContext {
  /** Training mode: dropout drops, batch norm uses batch statistics. Default false. */
  training?: boolean;
}

export interface LayerWeight {
  /** `layerName/weightName`, unique within a model. */
  readonly name: string;
  readonly variable: Variable;
  /** Non-trainable weights (running statistics) are saved and loaded but never touched by an optimiser. */
  readonly trainable: boolean;
}

export interface Layer {
  readonly className: string;
  name: string;
  /** False freezes the layer: its weights drop out of `trainableWeights`. */
  trainable: boolean;
  readonly built: boolean;
  build(inputShape: readonly number[], random?: RandomSource): void;
  apply(x: Tensor, context?: ApplyContext): Tensor;
  computeOutputShape(inputShape: readonly number[]): number[];
  readonly weights: readonly LayerWeight[];
  readonly trainableWeights: readonly LayerWeight[];
  readonly nonTrainableWeights: readonly LayerWeight[];
  getConfig(): Record<string, unknown>;
  /** Draws every weight afresh from its own initialiser (re-initialising a head for transfer learning). */
  resetWeights(random?: RandomSource): void;
  dispose(): void;
}

/** A layer whose output is f(affine(x)): it can also give the affine part alone (the pre-activation). */
export interface HasPreActivation {
  /** x·W + b (or conv(x, W) + b), before the activation. */
  applyPreActivation(x: Tensor): Tensor;
}

export function hasPreActivation(layer: unknown): layer is Layer & HasPreActivation {
  return typeof (layer as Partial<HasPreActivation>).applyPreActivation === 'function';
}

export function serializeLayer(layer: Layer): SerializedObject {
  return { className: layer.className, config: layer.getConfig() };
}

export abstract class BaseLayer implements Layer {
  abstract readonly className: string;
  name: string;
  trainable = true;
  private readonly ownWeights: Array<{
    shortName: string;
    variable: Variable;
    trainable: boolean;
    initializer: Initializer;
  }> = [];
  private inputShape: number[] | undefined;
  private weightOverrides: ReadonlyMap<string, Tensor> | undefined;

  constructor(name: string | undefined, defaultName: string) {
    this.name = name ?? defaultName;
  }

  get built(): boolean {
    return this.inputShape !== undefined;
  }

  get weights(): readonly LayerWeight[] {
    return this.ownWeights.map(({ shortName, variable, trainable }) => ({
      name: `${this.name}/${shortName}`,
      variable,
      trainable,
    }));
  }

  get trainableWeights(): readonly LayerWeight[] {
    return this.trainable ? this.weights.filter((w) => w.trainable) : [];
  }

  get nonTrainableWeights(): readonly LayerWeight[] {
    return this.trainable ? this.weights.filter((w) => !w.trainable) : this.weights;
  }

  /** The per-example input shape the layer was built for. */
  protected get builtInputShape(): number[] {
    if (this.inputShape === undefined) throw new Error(`${this.className} '${this.name}' is not built yet.`);
    return this.inputShape;
  }

  build(inputShape: readonly number[], random: RandomSource = getGlobalRandom()): void {
    if (this.inputShape !== undefined) return;
    if (inputShape.some((d) => !Number.isInteger(d) || d < 1))
      throw this.inputError(
        `input must have examples of a non-empty shape, got per-example shape [${inputShape.join(', ')}].`,
      );
    this.validateInputShape(inputShape);
    try {
      this.createWeights(inputShape, random);
    } catch (error) {
      this.unbuild();
      throw error;
    }
    this.inputShape = [...inputShape];
  }

  /**
   * Applies the layer with `weights` (short name → tensor of the same shape) in place of its own
   * variables, for this call only — gradients flow to the given tensors. (A host framework's variables
   * can drive a gradwell layer this way; weights the layer updates in training, such as running
   * statistics, must then be given as variables.) The layer must be built.
   */
  applyWithWeights(x: Tensor, weights: Readonly<Record<string, Tensor>>, context: ApplyContext = {}): Tensor {
    for (const own of this.ownWeights) {
      const given = weights[own.shortName];
      if (given === undefined || given.shape.join(',') !== own.variable.shape.join(','))
        throw new Error(
          `${this.className} '${this.name}': applyWithWeights needs '${own.shortName}' of shape [${own.variable.shape.join(', ')}], got ${given === undefined ? 'none' : `[${given.shape.join(', ')}]`}.`,
        );
    }
    this.weightOverrides = new Map(Object.entries(weights));
    try {
      return this.apply(x, context);
    } finally {
      this.weightOverrides = undefined;
    }
  }

  apply(x: Tensor, context: ApplyContext = {}): Tensor {
    const building = this.inputShape === undefined;
    this.checkApply(x, context);
    // An empty batch has an empty answer (wasm kernels trap on zero-sized inputs).
    if (x.shape[0] === 0) return zeros([0, ...this.computeOutputShape(x.shape.slice(1))]);
    try {
      return tidy(() => this.call(x, context));
    } catch (error) {
      // A first call that fails leaves the layer as it was: unbuilt, no weights.
      if (building) this.unbuild();
      throw error;
    }
  }

  /**
   * What `apply` checks before it calls the layer — `x` a float32 batch of the per-example shape the layer
   * was built for, `context.training` a boolean — building the layer from `x` on its first call.
   */
  protected checkApply(x: Tensor, context: ApplyContext): void {
    const where = `${this.className} '${this.name}'`;
    assertTensor(where, 'x', x, { dtypes: ['float32'] });
    if (x.rank < 1) throw new GradwellArgumentError(where, 'x', 'a batch of examples (rank ≥ 1)', x);
    if (context.training !== undefined) assertBoolean(where, 'training', context.training);
    const exampleShape = x.shape.slice(1);
    if (this.inputShape === undefined) this.build(exampleShape);
    else this.checkInputShape(exampleShape);
  }

  /**
   * Frees the weights a build made and forgets the input shape, so that a build (or first call) that failed
   * leaves no partial state behind; a Sequential whose later layer refuses the shape unbuilds the earlier.
   */
  unbuild(): void {
    for (const weight of this.ownWeights) weight.variable.dispose();
    this.ownWeights.length = 0;
    this.inputShape = undefined;
  }

  /** Throws a clear error when an input of this per-example shape cannot go through the layer. */
  protected validateInputShape(_inputShape: readonly number[]): void {}

  /** The error for an input the layer cannot take: `Dense 'd1': argument 'x': input must be …`. */
  protected inputError(problem: string): GradwellArgumentError {
    return GradwellArgumentError.because(`${this.className} '${this.name}'`, 'x', `argument 'x': ${problem}`);
  }

  /** Creates the layer's weights with {@link addWeight}. */
  protected createWeights(_inputShape: readonly number[], _random: RandomSource): void {}

  protected abstract call(x: Tensor, context: ApplyContext): Tensor;

  /** The layer's config fields, declared once with `defineLayerConfig`: `getConfig()` writes them. */
  protected abstract readonly layerConfig: LayerConfig<Record<string, ConfigField>>;

  /** The per-example output shape; the input's own unless the layer changes it. */
  computeOutputShape(inputShape: readonly number[]): number[] {
    return [...inputShape];
  }

  /** Plain JSON: the layer's name and its config fields (see `defineLayerConfig`). */
  getConfig(): Record<string, unknown> {
    return this.layerConfig.write(this);
  }

  /** Whether the layer is built for examples of `exampleShape`. */
  isBuiltFor(exampleShape: readonly number[]): boolean {
    const built = this.inputShape;
    return (
      built !== undefined &&
      exampleShape.length === built.length &&
      exampleShape.every((d, i) => d === built[i])
    );
  }

  protected checkInputShape(exampleShape: readonly number[]): void {
    const expected = this.builtInputShape;
    if (!this.isBuiltFor(exampleShape)) {
      throw GradwellArgumentError.because(
        `${this.className} '${this.name}'`,
        'x',
        `argument 'x' must have per-example shape [${expected.join(', ')}] (the shape it was built for), got [${exampleShape.join(', ')}].`,
      );
    }
  }

  protected addWeight(
    name: string,
    shape: readonly number[],
    initializer: Initializer,
    random: RandomSource,
    trainable = true,
  ): Variable {
    const initial = initializer.apply(shape, random);
    const weight = variable(initial, trainable, `gradwell/${this.name}/${name}_${uniqueSuffix()}`);
    initial.dispose();
    this.ownWeights.push({ shortName: name, variable: weight, trainable, initializer });
    return weight;
  }

  /** The weight called `name` (without the layer prefix). */
  protected weight(name: string): Variable {
    const given = this.weightOverrides?.get(name);
    if (given !== undefined) return given as Variable;
    const found = this.ownWeights.find((w) => w.shortName === name);
    if (found === undefined) throw new Error(`${this.className} '${this.name}' has no weight '${name}'.`);
    return found.variable;
  }

  resetWeights(random: RandomSource = getGlobalRandom()): void {
    for (const { variable, initializer } of this.ownWeights) {
      const fresh = initializer.apply(variable.shape, random);
      variable.assign(fresh);
      fresh.dispose();
    }
  }

  dispose(): void {
    dispose(this.ownWeights.map((w) => w.variable));
    this.ownWeights.length = 0;
    this.inputShape = undefined;
  }
}

let variableCounter = 0;
/**
 * tfjs variable names must be unique per process; layer weight names need only be unique per model. The
 * `gradwell/` prefix keeps them apart from tfjs-layers' own (`dense/kernel_1` for a layer 'dense' it loads).
 */
function uniqueSuffix(): number {
  return ++variableCounter;
}
