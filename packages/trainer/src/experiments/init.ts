/**
 * The lecture's initialisation figures: a deep MLP on unit-Gaussian inputs, weights drawn too small,
 * too big, Xavier (Glorot) or He, with tanh and ReLU. Per layer: activation mean, standard deviation and
 * histogram — too small collapses to 0, too big saturates tanh (±1) or explodes ReLU, Xavier keeps tanh
 * healthy, He keeps ReLU healthy. No training, just the forward pass at initialisation.
 */
import { dispose } from '@tensorflow/tfjs-core';
import { assertPositiveInteger, createRandom } from '@gradwell/core';
import { activationStatistics, type LayerStatistics } from '@gradwell/init';
import { dense } from '../layers';
import { model } from '../model';
import type { InitializerSpec } from '../resolve';

export const INIT_SCHEMES: Record<'tooSmall' | 'tooBig' | 'xavier' | 'he', InitializerSpec> = {
  tooSmall: { name: 'normal', options: { std: 0.01 } },
  tooBig: { name: 'normal', options: { std: 1 } },
  xavier: 'glorotNormal',
  he: 'heNormal',
};

export type InitScheme = keyof typeof INIT_SCHEMES;

export interface InitExperimentOptions {
  /** Hidden layers; default 10. */
  depth?: number;
  /** Units per layer; default 500. */
  width?: number;
  /** Examples in the input batch; default 1000. */
  examples?: number;
  activations?: string[];
  schemes?: InitScheme[];
  bins?: number;
  seed?: number;
}

export interface InitRun {
  activation: string;
  scheme: InitScheme;
  layers: LayerStatistics[];
}

export function initExperiment(o: InitExperimentOptions = {}): InitRun[] {
  const depth = o.depth ?? 10;
  const width = o.width ?? 500;
  const examples = o.examples ?? 1000;
  assertPositiveInteger('initExperiment', 'depth', depth);
  assertPositiveInteger('initExperiment', 'width', width);
  assertPositiveInteger('initExperiment', 'examples', examples);
  const random = createRandom(o.seed ?? 0);
  const input = random.normalTensor([examples, width]);
  const runs: InitRun[] = [];
  try {
    for (const activation of o.activations ?? ['tanh', 'relu']) {
      for (const scheme of o.schemes ?? (Object.keys(INIT_SCHEMES) as InitScheme[])) {
        const net = model(
          Array.from({ length: depth }, (_, i) =>
            dense({
              units: width,
              activation,
              kernelInitializer: INIT_SCHEMES[scheme],
              name: `layer${i + 1}`,
            }),
          ),
          { inputShape: [width], seed: o.seed ?? 0 },
        );
        runs.push({ activation, scheme, layers: activationStatistics(net, input, { bins: o.bins ?? 40 }) });
        net.dispose();
      }
    }
  } finally {
    dispose(input);
  }
  return runs;
}
