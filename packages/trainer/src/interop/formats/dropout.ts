/**
 * The dropout family in the tfjs-layers/Keras format: Dropout, GaussianDropout, AlphaDropout, and
 * SpatialDropout2D (Keras's name; tfjs-layers reads it after registerLayersInterop). Each keeps its seed.
 */
import { DropoutLayer, type DropoutKind } from '@gradwell/regularizers';
import type { LayerFormat } from '../layer-format';
import { ModelFileError } from '../model-file-error';

const KERAS_CLASS: Record<DropoutKind, string> = {
  dropout: 'Dropout',
  spatial: 'SpatialDropout2D',
  gaussian: 'GaussianDropout',
  alpha: 'AlphaDropout',
};

const KIND_OF: Record<string, DropoutKind> = Object.fromEntries(
  Object.entries(KERAS_CLASS).map(([kind, className]) => [className, kind as DropoutKind]),
);

export const DROPOUT_FORMAT: LayerFormat = {
  gradwell: ['Dropout', 'SpatialDropout', 'GaussianDropout', 'AlphaDropout'],
  layers: Object.values(KERAS_CLASS),
  write: (layer) => {
    const dropout = layer as DropoutLayer;
    const className = KERAS_CLASS[dropout.kind];
    const config: Record<string, unknown> = { rate: dropout.rate, seed: dropout.seed };
    if (dropout.kind === 'dropout' || dropout.kind === 'alpha') config.noiseShape = null;
    if (dropout.kind === 'spatial') config.dataFormat = 'channelsLast';
    return { className, config, weights: [] };
  },
  create(spec) {
    const kind = KIND_OF[spec.className] as DropoutKind;
    const { rate, seed, noiseShape } = spec.config as {
      rate: number;
      seed?: number | null;
      noiseShape?: unknown;
    };
    if (noiseShape !== null && noiseShape !== undefined)
      throw new ModelFileError(
        'unknown-class',
        `layer '${spec.name}' (${spec.className}): a noise_shape is not supported.`,
      );
    return new DropoutLayer(kind, { name: spec.name, rate, seed: seed ?? 0 });
  },
  values: () => ({}),
};
