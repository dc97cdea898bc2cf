/**
 * The two reference networks of the project (the foundation issue's MLP and small CNN), with the
 * lecture's recipe options: activation, initialiser, batch normalisation, dropout, DropConnect. The CLI,
 * the web app and the benchmarks build their models here.
 */
import { flatten, maxPool2d, type Layer, assertBoolean, GradwellArgumentError } from '@gradwell/core';
import { batchNormalization, meanOnlyBatchNormalization } from '@gradwell/batchnorm';
import { dropoutLayer } from '@gradwell/regularizers';
import { assertInRange, assertKnownOptions, optionKeys, assertPositiveInteger } from '@gradwell/core';
import { activation as activationLayer, conv2d, dense, dropConnect } from './layers';
import { model, type Model } from './model';
import type { ActivationSpec, InitializerSpec } from './resolve';

export interface RecipeOptions {
  /** Hidden activation; default 'relu'. */
  activation?: ActivationSpec;
  /** Kernel initialiser of the hidden layers; default: the one that pairs with the activation. */
  init?: InitializerSpec;
  /**
   * Batch norm between each hidden affine map and its activation (Ioffe & Szegedy's placement); 'mean-only'
   * puts mean-only batch norm there instead (subtract the batch mean, no division, no γ — Salimans &
   * Kingma's partner of `weightNorm`).
   */
  batchNorm?: boolean | 'mean-only';
  /**
   * Weight normalisation (Salimans & Kingma 2016) of the hidden dense and conv layers; pair it with
   * `initializeWeightNorm` on a first batch (the CLI's `--weight-norm` does). Not with `dropConnect`.
   */
  weightNorm?: boolean;
  /** Dropout rate after each hidden dense layer; default 0 (none). */
  dropout?: number;
  /** Dropout rate on the (flattened) input, as in Srivastava et al. (0.2); default 0. */
  inputDropout?: number;
  /** DropConnect rate of the hidden dense layers (replaces plain dense layers); default 0. */
  dropConnect?: number;
  /** Seed of the initial weights (and of the dropout masks); default 0. */
  seed?: number;
  /** Classes of the output layer; default 10. */
  classes?: number;
  /** Per-example input shape; default [28, 28, 1] (MNIST). */
  inputShape?: number[];
}

const RECIPE_KEYS = optionKeys<RecipeOptions>({
  activation: 1,
  init: 1,
  batchNorm: 1,
  weightNorm: 1,
  dropout: 1,
  inputDropout: 1,
  dropConnect: 1,
  seed: 1,
  classes: 1,
  inputShape: 1,
});

function checkRecipe(context: string, o: RecipeOptions, extra: readonly string[] = []): void {
  assertKnownOptions(context, o, [...RECIPE_KEYS, ...extra], { batchnorm: 'batchNorm' });
  if (o.dropout !== undefined)
    assertInRange(context, 'dropout', o.dropout, { min: 0, max: 1, maxInclusive: false });
  if (o.inputDropout !== undefined)
    assertInRange(context, 'inputDropout', o.inputDropout, { min: 0, max: 1, maxInclusive: false });
  if (o.dropConnect !== undefined)
    assertInRange(context, 'dropConnect', o.dropConnect, { min: 0, max: 1, maxInclusive: false });
  if (o.classes !== undefined) assertPositiveInteger(context, 'classes', o.classes);
  if (
    o.batchNorm !== undefined &&
    o.batchNorm !== true &&
    o.batchNorm !== false &&
    o.batchNorm !== 'mean-only'
  )
    throw new GradwellArgumentError(context, 'batchNorm', "true, false or 'mean-only'", o.batchNorm);
  if (o.weightNorm !== undefined) assertBoolean(context, 'weightNorm', o.weightNorm);
  if (o.weightNorm === true && o.dropConnect !== undefined && o.dropConnect > 0)
    throw new Error(
      `${context}: 'weightNorm' and 'dropConnect' both replace the hidden dense layers; choose one.`,
    );
}

const normalizes = (o: RecipeOptions): boolean => o.batchNorm === true || o.batchNorm === 'mean-only';

/** The batch-norm layer `batchNorm` asks for: full or mean-only. */
const normalization = (o: RecipeOptions, name: string): Layer =>
  o.batchNorm === 'mean-only' ? meanOnlyBatchNormalization({ name }) : batchNormalization({ name });

/** A hidden dense block: dense (or DropConnect) [→ batch norm → activation] [→ dropout]. */
function hiddenDense(units: number, index: number, o: RecipeOptions): Layer[] {
  const act = o.activation ?? 'relu';
  const name = `dense${index}`;
  const bn = normalizes(o);
  // With batch norm the activation is a layer of its own after it, and the initialiser is chosen for it.
  const pairing = bn ? { initializeFor: act } : { activation: act };
  const affine =
    o.dropConnect !== undefined && o.dropConnect > 0
      ? dropConnect({
          units,
          rate: o.dropConnect,
          seed: (o.seed ?? 0) + 100 + index,
          name,
          kernelInitializer: o.init,
          ...pairing,
        })
      : dense({ units, name, kernelInitializer: o.init, useBias: !bn, weightNorm: o.weightNorm, ...pairing });
  return [
    affine,
    ...(bn ? [normalization(o, `bn${index}`), activationLayer(act, { name: `act${index}` })] : []),
    ...(o.dropout !== undefined && o.dropout > 0
      ? [dropoutLayer({ rate: o.dropout, seed: (o.seed ?? 0) + 200 + index, name: `dropout${index}` })]
      : []),
  ];
}

/** MLP: flatten → hidden dense blocks (default 512, 256) → dense(classes) logits. */
export function mlpPreset(o: RecipeOptions & { hidden?: number[] } = {}): Model {
  checkRecipe('mlpPreset', o, ['hidden']);
  const hidden = o.hidden ?? [512, 256];
  hidden.forEach((h) => assertPositiveInteger('mlpPreset', 'hidden', h));
  const inputShape = o.inputShape ?? [28, 28, 1];
  const layers: Layer[] = [
    ...(inputShape.length > 1 ? [flatten()] : []),
    ...(o.inputDropout !== undefined && o.inputDropout > 0
      ? [dropoutLayer({ rate: o.inputDropout, seed: (o.seed ?? 0) + 300, name: 'inputDropout' })]
      : []),
    ...hidden.flatMap((units, i) => hiddenDense(units, i + 1, o)),
    dense({ units: o.classes ?? 10, name: 'logits' }),
  ];
  return model(layers, { name: 'mlp', inputShape, seed: o.seed ?? 0 });
}

/** Small CNN: conv32(3×3) → pool → conv64(3×3) → pool → flatten → dense block(128) → dense(classes). */
export function cnnPreset(o: RecipeOptions = {}): Model {
  checkRecipe('cnnPreset', o);
  const act = o.activation ?? 'relu';
  const convBlock = (filters: number, index: number): Layer[] =>
    normalizes(o)
      ? [
          conv2d({
            filters,
            kernelSize: 3,
            name: `conv${index}`,
            initializeFor: act,
            kernelInitializer: o.init,
            useBias: false,
            weightNorm: o.weightNorm,
          }),
          normalization(o, `convBn${index}`),
          activationLayer(act, { name: `convAct${index}` }),
        ]
      : [
          conv2d({
            filters,
            kernelSize: 3,
            name: `conv${index}`,
            activation: act,
            kernelInitializer: o.init,
            weightNorm: o.weightNorm,
          }),
        ];
  const layers: Layer[] = [
    ...convBlock(32, 1),
    maxPool2d({ poolSize: 2, name: 'pool1' }),
    ...convBlock(64, 2),
    maxPool2d({ poolSize: 2, name: 'pool2' }),
    flatten(),
    ...hiddenDense(128, 1, o),
    dense({ units: o.classes ?? 10, name: 'logits' }),
  ];
  return model(layers, { name: 'cnn', inputShape: o.inputShape ?? [28, 28, 1], seed: o.seed ?? 0 });
}
