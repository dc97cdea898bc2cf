/**
 * An option a function does not take is an error naming it, never ignored: TypeScript refuses such a key
 * in a literal, JavaScript (plugins, the browser, scripts) passed `{ activaton: 'relu' }` silently. Every
 * layer class of every package, the initialisers, and the trainer's entry points that take options.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Maxout, PRelu, SRelu, getActivation } from '@gradwell/activations';
import { measureActivation } from '@gradwell/activations/testing';
import {
  BatchNorm,
  BatchRenorm,
  batchNorm,
  distributionSnapshot,
  GroupNorm,
  normalizeBatchInTraining,
  LayerNorm,
  type BatchNormArgs,
} from '@gradwell/batchnorm';
import {
  ActivationLayer,
  AvgPool2d,
  Conv2d,
  Dense,
  DepthwiseConv2d,
  Flatten,
  GlobalAveragePool,
  MaxPool2d,
  createRandom,
  setupBackend,
  type DenseArgs,
  type SequentialArgs,
} from '@gradwell/core';
import {
  activationStatistics,
  copyWeights,
  reinitializeHead,
  reinitializeLayers,
  getInitializer,
  listInitializers,
  lsuv,
  type LsuvOptions,
} from '@gradwell/init';
import {
  confidencePenalty,
  l1l2,
  softmaxCrossEntropy,
  DropConnectDense,
  DropoutLayer,
  EarlyStopping,
  maxNorm,
  unitNorm,
  withAuxiliaryHeads,
  withDecoupledWeightDecay,
  type EarlyStoppingOptions,
} from '@gradwell/regularizers';
import {
  colorJitter,
  compose,
  crop,
  cutmix,
  fitNormalizer,
  fitWhitening,
  mixup,
  maxNorm as augmentMaxNorm,
  minMaxNorm,
  randomCrop,
  randomErasing,
  randomRescale,
  randomResizedCrop,
  rescale,
  rescaleBy,
} from '@gradwell/augment';
import {
  activationsExperiment,
  arrayDataset,
  batchNormExperiment,
  binaryCrossEntropy,
  getLoss,
  softmaxCrossEntropy as trainerSoftmaxCrossEntropy,
  batchStream,
  blobs,
  checkpointCallback,
  datasetFromIdx,
  dense,
  depthExperiment,
  dropoutExperiment,
  dyingReluExperiment,
  earlyStoppingExperiment,
  heProofExperiment,
  initExperiment,
  inputScaleExperiment,
  labelSmoothingExperiment,
  datasetFromPixels,
  diagnoseModel,
  evaluate,
  hostDataset,
  predict,
  writeLayersModel,
  cnnPreset,
  cosineDecay,
  createOptimizer,
  exponentialDecay,
  fit,
  linearWarmup,
  memoryStore,
  mlpPreset,
  model,
  progressLogger,
  spirals,
  splitDataset,
  stallDetector,
  stepDecay,
  tensorDataset,
  type TensorDatasetOptions,
} from '@gradwell/trainer';
import {
  loadFashionMnist,
  loadImageFolder,
  loadMnist,
  type ImageFolderOptions,
  type ImageSetLoadOptions,
} from '@gradwell/datasets';
import { beforeAll, describe, expect, test } from 'vitest';

beforeAll(async () => {
  await setupBackend({ backend: 'cpu' });
});

/** Calls `make` with `args` as JavaScript would: no type check on the keys. */
const loose =
  <A>(make: (args: A) => unknown, args: Record<string, unknown>) =>
  () =>
    make(args as unknown as A);

const LAYERS: Array<[string, (args: never) => unknown, Record<string, unknown>]> = [
  ['Dense', (a) => new Dense(a), { units: 3 }],
  ['Conv2d', (a) => new Conv2d(a), { filters: 2, kernelSize: 3 }],
  ['DepthwiseConv2d', (a) => new DepthwiseConv2d(a), { kernelSize: 3 }],
  ['MaxPool2d', (a) => new MaxPool2d(a), {}],
  ['AvgPool2d', (a) => new AvgPool2d(a), {}],
  ['GlobalAveragePool', (a) => new GlobalAveragePool(a), {}],
  ['Flatten', (a) => new Flatten(a), {}],
  ['Activation', (a) => new ActivationLayer(getActivation('relu'), a), {}],
  ['BatchNorm', (a) => new BatchNorm(a), {}],
  ['BatchRenorm', (a) => new BatchRenorm(a), {}],
  ['GroupNorm', (a) => new GroupNorm(a), {}],
  ['LayerNorm', (a) => new LayerNorm(a), {}],
  ['Dropout', (a) => new DropoutLayer('dropout', a), { rate: 0.5 }],
  ['SpatialDropout', (a) => new DropoutLayer('spatial', a), { rate: 0.5 }],
  ['GaussianDropout', (a) => new DropoutLayer('gaussian', a), { rate: 0.5 }],
  ['AlphaDropout', (a) => new DropoutLayer('alpha', a), { rate: 0.5 }],
  ['DropConnectDense', (a) => new DropConnectDense(a), { units: 3, rate: 0.5 }],
  ['Maxout', (a) => new Maxout(a), { units: 3 }],
  ['PRelu', (a) => new PRelu(a), {}],
  ['SRelu', (a) => new SRelu(a), {}],
];

describe('unknown options are refused, naming the option and the known ones', () => {
  test.each(LAYERS)('%s', (className, make, args) => {
    expect(make({ ...args, name: 'x' } as never)).toBeDefined();
    expect(() => make({ ...args, notAnOption: 1 } as never)).toThrow(
      new RegExp(`^${className}: unknown option 'notAnOption'; its options are name\\b`),
    );
  });

  test('a typo gets the nearest option', () => {
    expect(loose((a: DenseArgs) => new Dense(a), { units: 3, activaton: getActivation('relu') })).toThrow(
      "Dense: unknown option 'activaton' (did you mean 'activation'?)",
    );
    expect(loose((a: BatchNormArgs) => new BatchNorm(a), { momentun: 0.9 })).toThrow(
      "BatchNorm: unknown option 'momentun' (did you mean 'momentum'?)",
    );
  });

  test('every initialiser', () => {
    for (const name of listInitializers())
      expect(() => getInitializer(name, { notAnOption: 1 }), name).toThrow(
        `${name}: unknown option 'notAnOption'`,
      );
  });

  test('presets, optimisers, early stopping', () => {
    expect(loose(mlpPreset, { hiden: [8] })).toThrow(
      "mlpPreset: unknown option 'hiden' (did you mean 'hidden'?)",
    );
    expect(loose(cnnPreset, { hidden: [8] })).toThrow("cnnPreset: unknown option 'hidden'");
    expect(loose(cnnPreset, { batchnorm: true })).toThrow(
      "cnnPreset: unknown option 'batchnorm' (did you mean 'batchNorm'?)",
    );
    expect(loose(createOptimizer, { name: 'adam', lr: 0.1 })).toThrow(
      "createOptimizer: unknown option 'lr' (did you mean 'learningRate'?)",
    );
    expect(loose((o: EarlyStoppingOptions) => new EarlyStopping(o), { patince: 3 })).toThrow(
      "earlyStopping: unknown option 'patince' (did you mean 'patience'?)",
    );
    expect(loose((o: EarlyStoppingOptions) => new EarlyStopping(o), { restore_best_weights: true })).toThrow(
      "earlyStopping: unknown option 'restore_best_weights' (did you mean 'restoreBestWeights'?)",
    );
  });

  test('back end, models, data, schedules, callbacks, LSUV', async () => {
    await expect(setupBackend({ backend: 'cpu', thread: 2 } as never)).rejects.toThrow(
      "setupBackend: unknown option 'thread' (did you mean 'threads'?)",
    );
    expect(loose((a: SequentialArgs) => model([], a), { inputshape: [2] })).toThrow(
      "sequential: unknown option 'inputshape' (did you mean 'inputShape'?)",
    );
    const checks: Array<[string, () => unknown]> = [
      ['stepDecay', loose(stepDecay, { initial: 0.1, every: 2, gamma: 0.5 })],
      [
        'exponentialDecay',
        loose(exponentialDecay, { initial: 0.1, rate: 0.5, decaySteps: 2, staircase: true }),
      ],
      ['cosineDecay', loose(cosineDecay, { initial: 0.1, totalSteps: 10, alpha: 0 })],
      ['linearWarmup', loose(linearWarmup, { warmupSteps: 2, then: 0.1, warmup: 3 })],
      ['spirals', loose(spirals, { classes: 2, points: 5 })],
      ['blobs', loose(blobs, { classes: 2, centers: 3 })],
      ['stallDetector', loose(stallDetector, { window: 10 })],
      ['progressLogger', loose(progressLogger, { log: () => undefined })],
      ['checkpointCallback', loose(checkpointCallback, { store: memoryStore(), every: 2 })],
      ['loadImageFolder', loose((o: ImageFolderOptions) => loadImageFolder('.', o), { size: 8 })],
      ['mnist', loose((o: ImageSetLoadOptions) => loadMnist('test', o), { limt: 10 })],
      ['fashion-mnist', loose((o: ImageSetLoadOptions) => loadFashionMnist('test', o), { directry: '.' })],
    ];
    for (const [context, call] of checks)
      expect(call, context).toThrow(new RegExp(`^${context}: unknown option`));
    const data = spirals({ classes: 2, pointsPerClass: 5 });
    expect(
      loose((o: { validation: number }) => splitDataset(data, o), { validation: 0.2, shuffle: true }),
    ).toThrow("splitDataset: unknown option 'shuffle'; its options are validation, seed.");
    const x = tf.zeros([4, 2]);
    const y = tf.zeros([4, 2]);
    expect(loose((o: TensorDatasetOptions) => tensorDataset(x, y, o), { classes: 2 })).toThrow(
      "tensorDataset: unknown option 'classes'; its options are name, numClasses.",
    );
    const net = mlpPreset({ inputShape: [2], classes: 2, hidden: [3], seed: 1 });
    expect(loose((o: LsuvOptions) => lsuv(net, x, o), { tol: 0.1 })).toThrow("lsuv: unknown option 'tol'");
    tf.dispose([x, y]);
    data.dispose();
    net.dispose();
  });

  test('augmentation, preprocessing, constraints and the confidence penalty', () => {
    const images = tf.zeros([1, 4, 4, 3]);
    const random = createRandom(1);
    const checks: Array<[string, () => unknown]> = [
      ['crop', loose((o: never) => crop(images, o), { top: 0, left: 0, height: 2, width: 2, depth: 1 })],
      ['randomCrop', loose((o: never) => randomCrop(images, o, random), { size: [2, 2], pad: 1 })],
      [
        'randomResizedCrop',
        loose((o: never) => randomResizedCrop(images, o, random), { size: [2, 2], area: 1 }),
      ],
      ['randomRescale', loose((o: never) => randomRescale(images, o, random), { range: [1, 1], scale: 1 })],
      ['rescaleBy', loose((o: never) => rescaleBy(images, 0.5, o), { interpolation: 'nearest' })],
      ['colorJitter', loose((o: never) => colorJitter(images, o, random), { brigthness: 0.1 })],
      ['randomErasing', loose((o: never) => randomErasing(images, o, random), { probability: 0.5 })],
      ['maxNorm', loose((o: never) => augmentMaxNorm(images, o), { max: 1 })],
      ['minMaxNorm', loose((o: never) => minMaxNorm(images, o), { axis: 1 })],
      ['rescale', loose((o: never) => rescale(images, o), { factor: 2, scale: 1 })],
      ['compose', loose((o: never) => compose([], o), { sed: 1 })],
      ['maxNorm', loose((o: never) => maxNorm(2, o), { axes: [0] })],
      ['unitNorm', loose(unitNorm, { dim: 0 })],
      [
        'confidencePenalty',
        loose((o: never) => confidencePenalty(tf.zeros([2, 3]), o), { beta: 0.1, gamma: 1 }),
      ],
    ];
    const before = tf.memory().numTensors;
    for (const [context, call] of checks)
      expect(call, context).toThrow(new RegExp(`^${context}: unknown option`));
    expect(tf.memory().numTensors - before).toBe(1); // the confidence penalty's logits above
    images.dispose();
  });

  test('evaluation, diagnostics, statistics, datasets from arrays and bytes, saving', async () => {
    const net = mlpPreset({ inputShape: [2], classes: 2, hidden: [3], seed: 1 });
    const data = arrayDataset(
      [
        [0, 1],
        [1, 0],
      ],
      [0, 1],
    );
    const x = tf.zeros([2, 2]);
    await expect(evaluate(net, data, { batch: 2 } as never)).rejects.toThrow(
      "evaluate: unknown option 'batch'",
    );
    await expect(writeLayersModel(net, { format: 'keras' } as never)).rejects.toThrow(
      "saveModel: unknown option 'format'",
    );
    const checks: Array<[string, () => unknown]> = [
      ['predict', loose((o: never) => predict(net, x, o), { batch_size: 2 })],
      ['diagnoseModel', loose((o: never) => diagnoseModel(net, data, o), { probe: 8 })],
      ['activationStatistics', loose((o: never) => activationStatistics(net, x, o), { bin: 10 })],
      [
        'decoupledWeightDecay',
        loose((o: never) => withDecoupledWeightDecay(tf.train.sgd(0.1), o), { decay: 0.1 }),
      ],
      [
        'hostDataset',
        loose((o: never) => hostDataset(new Float32Array(2), new Int32Array(1), [2], o), { shape: [2] }),
      ],
      ['arrayDataset', loose((o: never) => arrayDataset([[0, 1]], [0], o), { classes: 2 })],
      ['batchStream', loose((o: never) => batchStream(() => [], o), { inputShape: [2], batchSize: 8 })],
      [
        'datasetFromPixels',
        loose((o: never) => datasetFromPixels(new Uint8Array(4), new Uint8Array(1), [2, 2], o), {
          flatten: true,
        }),
      ],
      [
        'datasetFromIdx',
        loose((o: never) => datasetFromIdx(new Uint8Array(0), new Uint8Array(0), o), { limit: 5 }),
      ],
    ];
    for (const [context, call] of checks)
      expect(call, context).toThrow(new RegExp(`^${context}: unknown option`));
    x.dispose();
    data.dispose();
    net.dispose();
  });

  test("the lecture's experiments and auxiliary heads", async () => {
    const data = {
      train: spirals({ classes: 2, pointsPerClass: 5 }),
      test: spirals({ classes: 2, pointsPerClass: 5, seed: 1 }),
    };
    const before = tf.memory().numTensors;
    const runs: Array<[string, (o: never) => unknown]> = [
      ['activationsExperiment', (o) => activationsExperiment(data, o)],
      ['batchNormExperiment', (o) => batchNormExperiment(data, o)],
      ['depthExperiment', (o) => depthExperiment(data, o)],
      ['dropoutExperiment', (o) => dropoutExperiment(data, o)],
      ['dyingReluExperiment', (o) => dyingReluExperiment(data, o)],
      ['earlyStoppingExperiment', (o) => earlyStoppingExperiment(data, o)],
      ['heProofExperiment', (o) => heProofExperiment(o)],
      ['initExperiment', (o) => initExperiment(o)],
      ['inputScaleExperiment', (o) => inputScaleExperiment(data, o)],
      ['labelSmoothingExperiment', (o) => labelSmoothingExperiment(data, o)],
    ];
    for (const [context, run] of runs) {
      // the async experiments reject, the two synchronous ones throw: both before any work
      const call = () => Promise.resolve().then(() => run({ epoch: 1 } as never));
      await expect(call(), context).rejects.toThrow(new RegExp(`^${context}: unknown option 'epoch'`));
    }
    expect(tf.memory().numTensors).toBe(before);
    const net = mlpPreset({ inputShape: [2], classes: 2, hidden: [3] });
    expect(
      loose((h: never) => withAuxiliaryHeads(net, [h]), {
        after: 'dense1',
        head: dense({ units: 2 }),
        weigth: 0.3,
      }),
    ).toThrow("withAuxiliaryHeads: heads[0]: unknown option 'weigth' (did you mean 'weight'?)");
    net.dispose();
    data.train.dispose();
    data.test.dispose();
  });

  test('losses, mixing, fitted statistics, batch norm, penalties, transfer', async () => {
    const images = tf.zeros([2, 4, 4, 3]);
    const labels = tf.oneHot(tf.tensor1d([0, 1], 'int32'), 2);
    const logits = tf.zeros([2, 2]);
    const random = createRandom(1);
    const net = mlpPreset({ inputShape: [2], classes: 2, hidden: [3], seed: 1 });
    const before = tf.memory().numTensors;
    await expect(fitWhitening(images, { epsilom: 1e-5 } as never)).rejects.toThrow(
      "fitWhitening: unknown option 'epsilom' (did you mean 'epsilon'?)",
    );
    await expect(fitNormalizer(images, { eps: 1e-7 } as never)).rejects.toThrow(
      "fitNormalizer: unknown option 'eps'",
    );
    const checks: Array<[string, () => unknown]> = [
      ['softmaxCrossEntropy', loose(trainerSoftmaxCrossEntropy, { label_smoothing: 0.1 })],
      ['binaryCrossEntropy', loose(binaryCrossEntropy, { from_logits: false })],
      ['mixup', loose((o: never) => mixup(images, labels, o, random), { alpah: 0.4 })],
      ['cutmix', loose((o: never) => cutmix(images, labels, o, random), { beta: 1 })],
      ['distributionSnapshot', loose((o: never) => distributionSnapshot(logits, o), { bin: 10 })],
      ['batchNorm', loose((o: never) => batchNorm(logits, o), { mean: logits, variance: logits, eps: 1e-3 })],
      ['l1l2', loose(l1l2, { l1: 0.1, l3: 0.1 })],
      [
        'softmaxCrossEntropy',
        loose((o: never) => softmaxCrossEntropy(labels, logits, o), { smoothing: 0.1 }),
      ],
      ['reinitializeLayers', loose((o: never) => reinitializeLayers(net, ['logits'], o), { sed: 1 })],
      ['reinitializeHead', loose((o: never) => reinitializeHead(net, o), { layers: 1 })],
      ['copyWeights', loose((o: never) => copyWeights({}, net, o), { strict: true })],
      ['meanSquaredError', loose((o: never) => getLoss('mse', o), { fromLogits: true })],
      ['normalizeBatchInTraining', loose((o: never) => normalizeBatchInTraining(logits, [0], o), { eps: 1 })],
      ['measureActivation', loose((o: never) => measureActivation(getActivation('relu'), o), { samples: 9 })],
    ];
    for (const [context, call] of checks)
      expect(call, context).toThrow(new RegExp(`^${context}: unknown option`));
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([images, labels, logits]);
    net.dispose();
  });

  test('fit: before anything is built, trained or allocated', async () => {
    const model = mlpPreset({ inputShape: [2], classes: 3, hidden: [4] });
    const data = spirals({ classes: 3, pointsPerClass: 10, seed: 1 });
    const before = tf.memory().numTensors;
    await expect(fit(model, data, { epochs: 1, batch_size: 8 } as never)).rejects.toThrow(
      "fit: unknown option 'batch_size' (did you mean 'batchSize'?)",
    );
    // a tensor where the options go (Keras's fit(x, y, …) order) is named as such
    const notOptions = tf.zeros([2]);
    await expect(fit(model, data, notOptions as never)).rejects.toThrow(
      /^fit: argument 'options' must be an object of options \{ epochs, batchSize, .*\}, got a float32 tensor/,
    );
    notOptions.dispose();
    expect(tf.memory().numTensors).toBe(before);
    data.dispose();
    model.dispose();
  });
});
