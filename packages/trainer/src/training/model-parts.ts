/** What the loop needs to know of a model: its base network, auxiliary heads, and which weights train and save. */
import type { Layer, LayerWeight, Sequential } from '@gradwell/core';
import { WithAuxiliaryHeads } from '@gradwell/regularizers';
import type { Trainable } from './fit-types';

export interface ModelParts {
  /** The network that makes the predictions (evaluation, diagnostics, checkpoints). */
  base: Sequential;
  /** The auxiliary-head wrapper, when the model has one. */
  auxiliary: WithAuxiliaryHeads | undefined;
  /** The weights the optimiser updates. */
  trainable: LayerWeight[];
  /** Every weight a checkpoint saves (the base's and any heads'). */
  all: LayerWeight[];
  /** Every layer, heads included (random-state owners such as dropout). */
  layers: Layer[];
}

export function modelPartsOf(model: Trainable): ModelParts {
  if (model instanceof WithAuxiliaryHeads) {
    const heads = model.heads.map((head) => head.head);
    return {
      base: model.model,
      auxiliary: model,
      trainable: [...model.trainableWeights],
      all: [...model.model.weights, ...heads.flatMap((head) => head.weights)],
      layers: [...model.model.layers, ...heads],
    };
  }
  return {
    base: model,
    auxiliary: undefined,
    trainable: [...model.trainableWeights],
    all: [...model.weights],
    layers: [...model.layers],
  };
}
