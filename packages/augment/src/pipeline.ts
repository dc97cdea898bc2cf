/**
 * Composable, seeded augmentation pipelines: `compose([{ type: 'flipHorizontal', p: 0.5 }, { type:
 * 'randomResizedCrop', params: { size: [224, 224] } }, ...], { seed })`. Every random choice comes from
 * the pipeline's seeded source, so the same seed gives the same batch on wasm and cpu. A step applies to
 * each image with probability `p` (default 1; steps that change the image size must have p = 1). The
 * whole batch goes through each step as tensor ops. Pipelines serialise to JSON and back, and
 * `describe()` lists the steps for the CLI and the web app.
 */
import { add, mul, reshape, sub, tensor1d, tidy, type Tensor } from '@tensorflow/tfjs-core';
import {
  assertInRange,
  assertKnownOptions,
  assertRandomSource,
  createRandom,
  createRegistry,
  GradwellArgumentError,
  type RandomSource,
  type Registry,
} from '@gradwell/core';
import { adjustBrightness, adjustContrast, adjustHue, adjustSaturation, toGrayscale } from './color';
import * as geometry from './geometry';
import { assertImages } from './images';
import { colorJitter, randomErasing } from './photometric';
import { standardize } from './preprocess';

export interface StepSpec {
  type: string;
  /** Probability of applying the step to each image; default 1. */
  p?: number;
  params?: Record<string, unknown>;
}

interface StepDefinition {
  /** Changes the image size (so it cannot be applied to some images only). */
  resizes: boolean;
  /** The names its `params` may hold; any other is refused when the pipeline is composed. */
  params: readonly string[];
  apply(images: Tensor, params: Record<string, unknown>, random: RandomSource): Tensor;
}

const STEPS: ReadonlyArray<readonly [string, StepDefinition]> = [
  ['flipHorizontal', { resizes: false, params: [], apply: (x) => geometry.flipHorizontal(x) }],
  ['flipVertical', { resizes: false, params: [], apply: (x) => geometry.flipVertical(x) }],
  [
    'crop',
    {
      resizes: true,
      params: ['top', 'left', 'height', 'width'],
      apply: (x, p) => geometry.crop(x, p as { top: number; left: number; height: number; width: number }),
    },
  ],
  [
    'randomCrop',
    {
      resizes: true,
      params: ['size', 'padding'],
      apply: (x, p, r) => geometry.randomCrop(x, p as { size: [number, number]; padding?: number }, r),
    },
  ],
  [
    'randomResizedCrop',
    {
      resizes: true,
      params: ['size', 'scale', 'ratio'],
      apply: (x, p, r) => geometry.randomResizedCrop(x, p as { size: [number, number] }, r),
    },
  ],
  [
    'randomRescale',
    {
      resizes: true,
      params: ['range'],
      apply: (x, p, r) => geometry.randomRescale(x, p as { range: [number, number] }, r),
    },
  ],
  [
    'rescale',
    {
      resizes: true,
      params: ['factor', 'method'],
      apply: (x, p) =>
        geometry.rescaleBy(
          x,
          p.factor as number,
          p.method === undefined ? {} : { method: p.method as 'bilinear' | 'nearest' },
        ),
    },
  ],
  [
    'colorJitter',
    {
      resizes: false,
      params: ['brightness', 'contrast', 'saturation', 'hue'],
      apply: (x, p, r) => colorJitter(x, p, r),
    },
  ],
  [
    'brightness',
    { resizes: false, params: ['factor'], apply: (x, p) => adjustBrightness(x, p.factor as number) },
  ],
  [
    'contrast',
    { resizes: false, params: ['factor'], apply: (x, p) => adjustContrast(x, p.factor as number) },
  ],
  [
    'saturation',
    { resizes: false, params: ['factor'], apply: (x, p) => adjustSaturation(x, p.factor as number) },
  ],
  ['hue', { resizes: false, params: ['factor'], apply: (x, p) => adjustHue(x, p.factor as number) }],
  ['grayscale', { resizes: false, params: [], apply: (x) => toGrayscale(x) }],
  [
    'randomErasing',
    {
      resizes: false,
      params: ['scale', 'ratio', 'value'],
      apply: (x, p, r) => randomErasing(x, { ...p, p: 1 }, r),
    },
  ],
  ['standardize', { resizes: false, params: [], apply: (x) => standardize(x) }],
];

let registry: Registry<StepDefinition> | undefined;
function steps(): Registry<StepDefinition> {
  if (registry === undefined) {
    registry = createRegistry<StepDefinition>('augmentation step');
    for (const [name, definition] of STEPS) registry.register(name, definition);
  }
  return registry;
}

export function listAugmentationSteps(): string[] {
  return steps().list();
}

/**
 * Whether a step changes the image size (crops, rescales): such a step must apply to every image, and a
 * training pipeline must bring the images back to the model's input size. Unknown names list the known.
 */
export function stepChangesSize(type: string): boolean {
  return steps().get(type).resizes;
}

export interface Pipeline {
  readonly seed: number;
  readonly steps: readonly StepSpec[];
  /** Augments a batch (NHWC) or one image (HWC), drawing from the pipeline's own seeded source. */
  apply(images: Tensor): Tensor;
  /**
   * The same, drawing from `random` instead: a training loop passes a source it can save and restore,
   * so a resumed run augments exactly as the uninterrupted one.
   */
  applyWith(images: Tensor, random: RandomSource): Tensor;
  /** One line per step: type, probability and parameters. */
  describe(): string[];
  toJSON(): { seed: number; steps: StepSpec[] };
}

export function compose(specs: readonly StepSpec[], options: { seed?: number } = {}): Pipeline {
  assertKnownOptions('compose', options, ['seed']);
  const { seed = 0 } = options;
  const resolved = specs.map((spec, index) => {
    if (spec === null || typeof spec !== 'object' || typeof spec.type !== 'string') {
      throw new GradwellArgumentError('compose', `steps[${index}]`, "an object with a string 'type'", spec);
    }
    const definition = steps().get(spec.type);
    const step = `steps[${index}] ('${spec.type}')`;
    assertKnownOptions(`compose: ${step}`, spec, ['type', 'p', 'params'], { prob: 'p', probability: 'p' });
    assertKnownOptions(`compose: ${step} params`, spec.params, definition.params);
    const p = spec.p ?? 1;
    assertInRange('compose', `steps[${index}].p`, p, { min: 0, max: 1 });
    if (definition.resizes && p !== 1) {
      throw new Error(
        `compose: step ${index} ('${spec.type}') changes the image size, so it must apply to every image (p = 1), got p = ${p}.`,
      );
    }
    return { spec: { type: spec.type, p, params: { ...(spec.params ?? {}) } }, definition };
  });
  const ownRandom = createRandom(seed);
  const run = (images: Tensor, random: RandomSource): Tensor => {
    assertImages('pipeline', images);
    return tidy(() =>
      resolved.reduce<Tensor>((x, { spec, definition }) => {
        const batched = x.rank === 4;
        const n = batched ? x.shape[0] : 1;
        const chosen = Array.from({ length: n }, () => random.next() < spec.p);
        if (!chosen.some(Boolean)) return x;
        const transformed = definition.apply(x, spec.params, random);
        if (chosen.every(Boolean)) return transformed;
        const mask = reshape(tensor1d(chosen.map(Number)), batched ? [n, 1, 1, 1] : [1, 1, 1]);
        return add(x, mul(mask, sub(transformed, x)));
      }, images),
    );
  };
  return {
    seed,
    steps: resolved.map((r) => r.spec),
    apply: (images) => run(images, ownRandom),
    applyWith: (images, random) => {
      assertRandomSource('pipeline.applyWith', random);
      return run(images, random);
    },
    describe: () =>
      resolved.map(
        ({ spec }) =>
          `${spec.type} (p = ${spec.p})${Object.keys(spec.params).length ? ` ${JSON.stringify(spec.params)}` : ''}`,
      ),
    toJSON: () => ({ seed, steps: resolved.map((r) => ({ ...r.spec, params: { ...r.spec.params } })) }),
  };
}

/** Rebuilds a pipeline from `toJSON()` output (its random sequence restarts from the seed). */
export function pipelineFromJSON(json: { seed?: number; steps: StepSpec[] }): Pipeline {
  return compose(json.steps, { seed: json.seed ?? 0 });
}
