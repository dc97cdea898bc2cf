/**
 * Pretraining and transfer learning on core's models: take weights by name from another model (or from a
 * name → tensor map, as a checkpoint holds), freeze and unfreeze layers, re-initialise only the head.
 * Weight names are `layerName/weightName` (e.g. `dense_1/kernel`).
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import {
  assertBoolean,
  assertInRange,
  assertKnownOptions,
  assertPositiveInteger,
  assertTensor,
  createRandom,
  GradwellArgumentError,
  type Layer,
  type LayerWeight,
  type Sequential,
} from '@gradwell/core';

type WeightSource = { weights: readonly LayerWeight[] } | Readonly<Record<string, Tensor>>;

/** name → tensor of every weight of a model (the variables themselves; clone to keep a snapshot). */
export function getWeightMap(model: { weights: readonly LayerWeight[] }): Record<string, Tensor> {
  return Object.fromEntries(model.weights.map((w) => [w.name, w.variable]));
}

export interface CopyWeightsOptions {
  /** Copy only the weights of these target layers (default: every weight the source also has). */
  layers?: readonly string[];
}

export interface CopyWeightsReport {
  copied: string[];
  /** Target weights the source does not have (left as they were). */
  missing: string[];
}

/**
 * Copies weights into `target` by name. Throws — before changing anything — when a weight has a
 * different shape in the source, or when a layer named in `layers` is missing from either side.
 */
export function copyWeights(
  source: WeightSource,
  target: Sequential,
  options: CopyWeightsOptions = {},
): CopyWeightsReport {
  assertKnownOptions('copyWeights', options, ['layers']);
  if (source === null || typeof source !== 'object' || source === target)
    throw new GradwellArgumentError(
      'copyWeights',
      'source',
      source === target
        ? 'another model than the target (a model copies nothing onto itself)'
        : 'a model or a map of weight name → tensor',
      source,
    );
  const sourceMap =
    'weights' in source && Array.isArray(source.weights)
      ? getWeightMap(source as { weights: readonly LayerWeight[] })
      : (source as Record<string, Tensor>);
  const selected = options.layers;
  if (selected !== undefined) {
    for (const name of selected) target.getLayer(name);
  }
  const candidates = target.weights.filter(
    (w) => selected === undefined || selected.includes(w.name.split('/')[0] as string),
  );
  const copied: string[] = [];
  const missing: string[] = [];
  for (const weight of candidates) {
    const from = sourceMap[weight.name];
    if (from === undefined) {
      missing.push(weight.name);
      continue;
    }
    assertTensor('copyWeights', `source['${weight.name}']`, from);
    if (from.shape.join() !== weight.variable.shape.join()) {
      throw new Error(
        `copyWeights: weight '${weight.name}' has shape [${from.shape.join(', ')}] in the source and ` +
          `[${weight.variable.shape.join(', ')}] in the target; nothing was copied.`,
      );
    }
    copied.push(weight.name);
  }
  if (selected !== undefined && missing.length > 0) {
    throw new Error(
      `copyWeights: the source has no weight ${missing.map((m) => `'${m}'`).join(', ')}; nothing was copied.`,
    );
  }
  for (const name of copied)
    target.weights.find((w) => w.name === name)?.variable.assign(sourceMap[name] as Tensor);
  return { copied, missing };
}

function layersNamed(context: string, model: Sequential, names: readonly string[]): Layer[] {
  const given: unknown = names;
  if (!Array.isArray(given) || given.some((name) => typeof name !== 'string'))
    throw new GradwellArgumentError(context, 'names', 'a list of layer names', names);
  const known = model.layers.map((layer) => layer.name);
  const unknown = names.find((name) => !known.includes(name));
  if (unknown !== undefined)
    throw GradwellArgumentError.because(
      context,
      'names',
      `no layer '${unknown}' in the model; its layers: ${known.join(', ')}.`,
      names,
    );
  return names.map((name) => model.getLayer(name));
}

/** Stops training from updating these layers (their weights leave `trainableWeights`). */
export function freezeLayers(model: Sequential, names: readonly string[]): void {
  for (const layer of layersNamed('freezeLayers', model, names)) layer.trainable = false;
}

export function unfreezeLayers(model: Sequential, names: readonly string[]): void {
  for (const layer of layersNamed('unfreezeLayers', model, names)) layer.trainable = true;
}

/** Draws these layers' weights afresh from their own initialisers. */
export function reinitializeLayers(
  model: Sequential,
  names: readonly string[],
  options: { seed?: number } = {},
): void {
  assertKnownOptions('reinitializeLayers', options, ['seed']);
  const { seed = 0 } = options;
  const random = createRandom(seed);
  for (const layer of layersNamed('reinitializeLayers', model, names)) layer.resetWeights(random.fork());
}

/**
 * Transfer learning's usual recipe: re-initialise the last `count` layers that have weights (the head)
 * and, with `freezeBase`, freeze everything before them. Returns the head's layer names.
 */
export function reinitializeHead(
  model: Sequential,
  options: { count?: number; freezeBase?: boolean; seed?: number } = {},
): string[] {
  assertKnownOptions('reinitializeHead', options, ['count', 'freezeBase', 'seed']);
  const { count = 1, freezeBase = false, seed = 0 } = options;
  const withWeights = model.layers.filter((l) => l.weights.length > 0);
  // count 0 would be slice(-0): every layer, the whole model re-initialised
  assertPositiveInteger('reinitializeHead', 'count', count);
  assertInRange('reinitializeHead', 'count', count, { max: withWeights.length });
  assertBoolean('reinitializeHead', 'freezeBase', freezeBase);
  const head = withWeights.slice(-count).map((l) => l.name);
  reinitializeLayers(model, head, { seed });
  if (freezeBase) {
    freezeLayers(
      model,
      model.layers.map((l) => l.name).filter((name) => !head.includes(name)),
    );
  }
  return head;
}
