/**
 * Auxiliary classifiers (Szegedy et al. 2015, GoogLeNet): extra heads attached after intermediate layers,
 * whose losses are added with small weights (GoogLeNet used 0.3) to push gradient into the early layers.
 * The heads run only in training; at inference the model is the plain network.
 */
import { add, mul, tidy, type Scalar, type Tensor } from '@tensorflow/tfjs-core';
import {
  assertKnownOptions,
  optionKeys,
  assertInRange,
  type ApplyContext,
  type Layer,
  type LayerWeight,
  type Sequential,
} from '@gradwell/core';

export interface AuxiliaryHead {
  /** Name of the layer of the base model whose output feeds the head. */
  after: string;
  /** The head (often pooling + dense layers). */
  head: Layer;
  /** Weight of its loss; default 0.3. */
  weight?: number;
}

export interface AuxiliaryOutputs {
  main: Tensor;
  auxiliary: Array<{ after: string; output: Tensor; weight: number }>;
}

export class WithAuxiliaryHeads {
  readonly heads: ReadonlyArray<Required<AuxiliaryHead>>;
  private readonly positions: number[];

  constructor(
    readonly model: Sequential,
    heads: readonly AuxiliaryHead[],
  ) {
    heads.forEach((head, i) =>
      assertKnownOptions(
        `withAuxiliaryHeads: heads[${i}]`,
        head,
        optionKeys<AuxiliaryHead>({ after: 1, head: 1, weight: 1 }),
      ),
    );
    this.heads = heads.map((h) => ({ ...h, weight: h.weight ?? 0.3 }));
    for (const head of this.heads) assertInRange('withAuxiliaryHeads', 'weight', head.weight, { min: 0 });
    this.positions = this.heads.map((h) => model.layers.indexOf(model.getLayer(h.after)));
  }

  /** Inference (and anything outside training): the base model alone. */
  apply(x: Tensor, context: ApplyContext = {}): Tensor {
    return this.model.apply(x, context);
  }

  /** Training forward: the main output and each head's output. */
  applyWithAuxiliary(x: Tensor, context: ApplyContext = { training: true }): AuxiliaryOutputs {
    const intermediates = this.model.applyWithIntermediates(x, context);
    const main = intermediates[intermediates.length - 1] as Tensor;
    const auxiliary = this.heads.map((h, i) => ({
      after: h.after,
      output: h.head.apply(intermediates[this.positions[i] as number] as Tensor, context),
      weight: h.weight,
    }));
    for (const t of intermediates.slice(0, -1)) t.dispose();
    return { main, auxiliary };
  }

  /** Trainable weights of the base model and of every head. */
  get trainableWeights(): readonly LayerWeight[] {
    return [...this.model.trainableWeights, ...this.heads.flatMap((h) => h.head.trainableWeights)];
  }
}

export function withAuxiliaryHeads(model: Sequential, heads: readonly AuxiliaryHead[]): WithAuxiliaryHeads {
  return new WithAuxiliaryHeads(model, heads);
}

/** loss(main) + Σ weightᵢ·loss(auxᵢ), the same labels for every head. */
export function combineAuxiliaryLosses(outputs: AuxiliaryOutputs, loss: (output: Tensor) => Scalar): Scalar {
  return tidy(() =>
    outputs.auxiliary.reduce<Scalar>(
      (total, aux) => add<Scalar>(total, mul(aux.weight, loss(aux.output))),
      loss(outputs.main),
    ),
  );
}
