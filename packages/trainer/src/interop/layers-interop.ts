/**
 * `registerLayersInterop(tfl)`: teaches tfjs-layers gradwell's own layers and activations, so that a
 * tfjs-layers app (`tf.loadLayersModel`) loads and runs any gradwell model. Each class is a tfjs-layers
 * `Layer` that owns the weights (under the Keras names of the file) and computes with the gradwell
 * layer itself (`applyWithWeights`), so the two frameworks give the same outputs. Pass the module the
 * app uses — `@tensorflow/tfjs-layers` or `@tensorflow/tfjs` — so gradwell needs no copy of its own.
 */
import { createRandom, type Layer } from '@gradwell/core';
import { getActivation, type ActivationOptions } from '@gradwell/activations';
import { serialization, tidy, type Tensor } from '@tensorflow/tfjs-core';
import { formatForClass } from './formats';
import { GRADWELL_ACTIVATION_CLASS } from './keras-activations';
import type { LayerFormat, LayerSpec } from './layer-format';

/** gradwell's classes tfjs-layers 4.22 does not have (SpatialDropout2D and GroupNormalization are Keras's names). */
export const GRADWELL_LAYER_CLASSES = [
  'GradwellMaxout',
  'GradwellSReLU',
  'GradwellDropConnectDense',
  'GradwellBatchRenorm',
  'GradwellMeanOnlyBatchNorm',
  'GroupNormalization',
  'SpatialDropout2D',
  'GradwellWeightNormDense',
  'GradwellWeightNormConv2D',
] as const;

/** The part of a tfjs-layers `LayerVariable` used here. */
interface LayersVariable {
  read(): Tensor;
}

/** The part of tfjs-layers' `Layer` base class used here. */
interface LayersLayerBase {
  name: string;
  built: boolean;
  build(inputShape: unknown): void;
  getConfig(): Record<string, unknown>;
  dispose(): unknown;
  addWeight(
    name: string,
    shape: number[],
    dtype?: string,
    initializer?: unknown,
    regularizer?: unknown,
    trainable?: boolean,
  ): LayersVariable;
}

/** What registerLayersInterop needs of the tfjs-layers module: `layers.Layer` and `initializers.zeros`. */
export interface TfjsLayersModule {
  layers: { Layer: unknown };
  initializers: { zeros(): unknown };
}

type LayerBaseClass = new (args: Record<string, unknown>) => LayersLayerBase;

/** A gradwell activation as tfjs-layers' activation objects are: `apply(x)`, serialisable by class name. */
class GradwellActivation extends serialization.Serializable {
  static readonly className = GRADWELL_ACTIVATION_CLASS;
  private readonly activation;

  constructor(private readonly config: { name: string; options?: ActivationOptions }) {
    super();
    this.activation = getActivation(config.name, config.options ?? {});
  }

  apply(x: Tensor): Tensor {
    return this.activation.apply(x);
  }

  getConfig(): serialization.ConfigDict {
    return { name: this.config.name, options: this.config.options ?? {} };
  }
}

function perExample(inputShape: unknown): number[] {
  const shape = (
    Array.isArray(inputShape) && Array.isArray(inputShape[0]) ? inputShape[0] : inputShape
  ) as Array<number | null>;
  return shape.slice(1) as number[];
}

/** A tfjs-layers class that runs a gradwell layer of `format` (one of GRADWELL_LAYER_CLASSES). */
function layerClass(tfl: TfjsLayersModule, className: string, format: LayerFormat) {
  const Base = tfl.layers.Layer as LayerBaseClass;
  const spec = (
    layer: LayersLayerBase & { args: Record<string, unknown> },
    inputShape: number[],
  ): LayerSpec => ({
    className,
    config: layer.args,
    name: layer.name,
    inputShape,
  });
  return class extends Base {
    static readonly className = className;
    readonly args: Record<string, unknown>;
    private inner: Layer | undefined;
    private shape: number[] = [];
    private params: Array<{ param: string; variable: LayersVariable }> = [];

    constructor(args: Record<string, unknown>) {
      super(args);
      this.args = args;
    }

    override build(inputShape: unknown): void {
      this.shape = perExample(inputShape);
      const inner = format.create(spec(this, this.shape));
      inner.build(this.shape, createRandom(0));
      const written = format.write(inner, this.shape);
      for (const { param, value } of written.weights) {
        const trainable = !param.startsWith('moving_');
        const variable = this.addWeight(
          param,
          [...value.shape],
          'float32',
          tfl.initializers.zeros(),
          undefined,
          trainable,
        );
        this.params.push({ param, variable });
        if (!inner.weights.some((w) => w.variable === value)) value.dispose();
      }
      this.inner = inner;
      super.build(inputShape);
    }

    call(inputs: Tensor | Tensor[], kwargs: { training?: boolean }): Tensor {
      const x = Array.isArray(inputs) ? (inputs[0] as Tensor) : inputs;
      const inner = this.inner as Layer & {
        applyWithWeights(x: Tensor, w: Record<string, Tensor>, c: object): Tensor;
      };
      return tidy(() => {
        const values = format.values({
          ...spec(this, this.shape),
          weight: (param) => this.params.find((p) => p.param === param)?.variable.read(),
        });
        return inner.applyWithWeights(x, values, { training: kwargs?.training === true });
      });
    }

    computeOutputShape(inputShape: unknown): unknown {
      const shape = perExample(inputShape);
      const layer = this.inner ?? format.create(spec(this, shape));
      const output = [null, ...layer.computeOutputShape(shape)];
      if (this.inner === undefined) layer.dispose();
      return output;
    }

    override getConfig(): Record<string, unknown> {
      const {
        name: _name,
        trainable: _trainable,
        batchInputShape: _shape,
        dtype: _dtype,
        ...own
      } = this.args;
      return { ...own, ...super.getConfig() };
    }

    override dispose(): unknown {
      this.inner?.dispose();
      return super.dispose();
    }
  };
}

let registered: string[] | undefined;

/**
 * Registers gradwell's layers (maxout, SReLU, DropConnect, batch renorm, mean-only batch norm, group norm,
 * spatial dropout, weight-normalised dense and conv) and activations (leaky ReLU, CELU, hard sigmoid, plugins…) with
 * tfjs-layers. Call it once, with the module the app loads models with:
 * `registerLayersInterop(await import('@tensorflow/tfjs-layers'))`. Returns the class names registered.
 */
export function registerLayersInterop(tfl: TfjsLayersModule): string[] {
  if (registered !== undefined) return registered;
  serialization.registerClass(GradwellActivation);
  for (const className of GRADWELL_LAYER_CLASSES) {
    const cls = layerClass(tfl, className, formatForClass(className, className));
    serialization.registerClass(
      cls as unknown as serialization.SerializableConstructor<serialization.Serializable>,
    );
  }
  registered = [GRADWELL_ACTIVATION_CLASS, ...GRADWELL_LAYER_CLASSES];
  return registered;
}
