/**
 * The lecture's initialisation figures: a deep MLP on unit-Gaussian inputs, weights drawn too small,
 * too big, Xavier (Glorot) or He, with tanh and ReLU. Per layer: activation mean, standard deviation and
 * histogram — too small collapses to 0, too big saturates tanh (±1) or explodes ReLU, Xavier keeps tanh
 * healthy, He keeps ReLU healthy. No training, just the forward pass at initialisation — and, on request,
 * the gradient that reaches each layer's kernel from a random linear loss (the backward half of the story).
 */
import {
  dispose,
  moments,
  mul,
  sum,
  tidy,
  variableGrads,
  type Scalar,
  type Tensor,
} from '@tensorflow/tfjs-core';
import {
  assertPositiveInteger,
  createRandom,
  assertKnownOptions,
  optionKeys,
  assertBoolean,
} from '@gradwell/core';
import { activationStatistics, histogram, type Histogram, type LayerStatistics } from '@gradwell/init';
import { dense } from '../layers';
import { model, type Model } from '../model';
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
  /** Also measure the gradient reaching each layer's kernel (`InitRun.gradients`); default false. */
  gradients?: boolean;
}

/** The gradient of L = Σ(output ⊙ d), d a fixed unit-Gaussian direction, with respect to one kernel. */
export interface KernelGradientStatistics {
  std: number;
  histogram: Histogram;
}

export interface InitRun {
  activation: string;
  scheme: InitScheme;
  layers: LayerStatistics[];
  /** Per layer, with `gradients: true`. */
  gradients?: KernelGradientStatistics[];
}

/** Gradient statistics of every layer's kernel for the random linear loss Σ(net(input) ⊙ direction). */
function kernelGradients(
  net: Model,
  input: Tensor,
  direction: Tensor,
  bins: number,
): KernelGradientStatistics[] {
  const kernels = net.layers.map((layer) => layer.weights[0]!.variable);
  const { value, grads } = variableGrads(() => sum<Scalar>(mul(net.apply(input), direction)), kernels);
  try {
    return kernels.map((kernel) => {
      const g = grads[kernel.name] as Tensor;
      return {
        std: tidy(() => Math.sqrt(moments(g).variance.dataSync()[0] as number)),
        histogram: histogram(g, bins),
      };
    });
  } finally {
    dispose([value, ...Object.values(grads)]);
  }
}

export function initExperiment(o: InitExperimentOptions = {}): InitRun[] {
  assertKnownOptions(
    'initExperiment',
    o,
    optionKeys<InitExperimentOptions>({
      depth: 1,
      width: 1,
      examples: 1,
      activations: 1,
      schemes: 1,
      bins: 1,
      seed: 1,
      gradients: 1,
    }),
  );
  const depth = o.depth ?? 10;
  const width = o.width ?? 500;
  const examples = o.examples ?? 1000;
  assertPositiveInteger('initExperiment', 'depth', depth);
  assertPositiveInteger('initExperiment', 'width', width);
  assertPositiveInteger('initExperiment', 'examples', examples);
  if (o.gradients !== undefined) assertBoolean('initExperiment', 'gradients', o.gradients);
  const random = createRandom(o.seed ?? 0);
  const input = random.normalTensor([examples, width]);
  const direction = o.gradients === true ? random.normalTensor([examples, width]) : undefined;
  const bins = o.bins ?? 40;
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
        try {
          const run: InitRun = { activation, scheme, layers: activationStatistics(net, input, { bins }) };
          if (direction !== undefined) run.gradients = kernelGradients(net, input, direction, bins);
          runs.push(run);
        } finally {
          net.dispose();
        }
      }
    }
  } finally {
    dispose(direction === undefined ? [input] : [input, direction]);
  }
  return runs;
}
