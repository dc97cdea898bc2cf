/**
 * He et al. 2015's derivation, measured: for a ReLU network, Var[y_L] = Var[y_1] · ∏_{l=2}^{L} ½·n_l·Var[w_l],
 * where y_l are pre-activations, n_l the fan-in of layer l and w_l its weights. The experiment draws each
 * layer's weights with a different variance, measures Var[y_l]/Var[y_1] on a large Gaussian batch, and
 * compares it with the product. With He's choice Var[w_l] = 2/n_l every factor is 1.
 */
import { moments, tidy, type Tensor } from '@tensorflow/tfjs-core';
import { assertPositiveInteger, createRandom, assertKnownOptions, optionKeys } from '@gradwell/core';
import { dense } from '../layers';
import { model } from '../model';

export interface HeProofOptions {
  depth?: number;
  width?: number;
  examples?: number;
  /** Multipliers of He's variance 2/n for each layer (cycled); default [1] (He). */
  varianceScales?: number[];
  seed?: number;
}

export interface HeProofLayer {
  layer: number;
  fanIn: number;
  /** Var[w_l] as drawn (measured on the kernel). */
  weightVariance: number;
  /** Var[y_l]/Var[y_1] measured on the batch. */
  measured: number;
  /** ∏_{k=2}^{l} ½·n_k·Var[w_k]. */
  predicted: number;
}

export function heProofExperiment(o: HeProofOptions = {}): HeProofLayer[] {
  assertKnownOptions(
    'heProofExperiment',
    o,
    optionKeys<HeProofOptions>({ depth: 1, width: 1, examples: 1, varianceScales: 1, seed: 1 }),
  );
  const depth = o.depth ?? 10;
  const width = o.width ?? 256;
  const examples = o.examples ?? 4000;
  assertPositiveInteger('heProofExperiment', 'depth', depth);
  const scales = o.varianceScales ?? [1];
  const random = createRandom(o.seed ?? 0);
  const layers = Array.from({ length: depth }, (_, i) =>
    dense({
      units: width,
      activation: 'relu',
      useBias: false,
      kernelInitializer: {
        name: 'varianceScaling',
        options: { scale: 2 * (scales[i % scales.length] as number), mode: 'fanIn', distribution: 'normal' },
      },
      name: `layer${i + 1}`,
    }),
  );
  const net = model(layers, { inputShape: [width], seed: o.seed ?? 0 });
  const x = random.normalTensor([examples, width]);
  const varianceOf = (t: Tensor) => tidy(() => moments(t).variance.dataSync()[0] as number);
  const result: HeProofLayer[] = [];
  let h: Tensor = x;
  let first = 0;
  let predicted = 1;
  for (const [i, layer] of net.layers.entries()) {
    const pre = (layer as unknown as { applyPreActivation(x: Tensor): Tensor }).applyPreActivation(h);
    const kernel = layer.weights[0]!.variable;
    const weightVariance = varianceOf(kernel);
    const fanIn = kernel.shape[0];
    const v = varianceOf(pre);
    if (i === 0) first = v;
    else predicted *= 0.5 * fanIn * weightVariance;
    result.push({ layer: i + 1, fanIn, weightVariance, measured: v / first, predicted });
    pre.dispose();
    const next = layer.apply(h);
    if (h !== x) h.dispose();
    h = next;
  }
  if (h !== x) h.dispose();
  x.dispose();
  net.dispose();
  return result;
}
