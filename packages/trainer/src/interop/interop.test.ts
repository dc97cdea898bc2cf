/**
 * The TensorFlow.js layers format both ways, checked against tfjs-layers 4.22 itself: gradwell models
 * saved with saveModel load with tf.loadLayersModel and predict the same; models built and trained by
 * tfjs-layers load with loadModel, predict the same, train further with fit and save back.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { flatten, maxPool2d, setupBackend, type Sequential } from '@gradwell/core';
import { defineActivation, preluLayer, registerActivation, sreluLayer } from '@gradwell/activations';
import { groupNormalization, layerNormalization, meanOnlyBatchNormalization } from '@gradwell/batchnorm';
import { dropoutLayer, spatialDropout } from '@gradwell/regularizers';
import { expectNoLeakedTensors, expectTensorsClose } from '@gradwell/test-utils';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { tensorDataset } from '../data/dataset';
import { activation, conv2d, dense, dropConnect, maxout } from '../layers';
import { softmaxCrossEntropy } from '../losses';
import { model, type Model } from '../model';
import { cnnPreset, mlpPreset } from '../presets';
import { fit } from '../training/fit';
import { registerFileSystemRouters } from '../node/file-system';
import { checkpointCallback } from '../callbacks';
import { decodeModel } from '../checkpoint';
import { directoryStore } from '../node/directory-store';
import { KerasExportError } from './keras-export';
import { registerLayersInterop } from './layers-interop';
import { loadModel, saveModel } from './model-io';
import { ModelFileError } from './model-file-error';

const scratch = mkdtempSync(path.join(tmpdir(), 'gradwell-interop-'));
let folders = 0;
const folder = (name: string) => path.join(scratch, `${name}-${++folders}`);

beforeAll(async () => {
  await setupBackend();
  registerFileSystemRouters();
  registerLayersInterop(tfl);
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A few examples of `shape` and class ids, seeded. */
function examples(shape: number[], classes: number, n = 24, seed = 1) {
  const x = tf.randomUniform([n, ...shape], -1, 1, 'float32', seed);
  const y = tf.tensor1d(
    Array.from({ length: n }, (_, i) => i % classes),
    'int32',
  );
  return { x, y };
}

/** Trains a gradwell model a little (so the weights are not the initial ones) on random data. */
async function trainALittle(m: Model, classes: number, loss = softmaxCrossEntropy()) {
  const inputShape = m.getConfig().inputShape as number[];
  const { x, y } = examples(inputShape, classes, 24, 5);
  const data = tensorDataset(x, y, { numClasses: classes });
  await fit(m, data, { epochs: 2, batchSize: 8, seed: 3, loss });
  data.dispose();
}

/** Saves with gradwell, loads with tfjs-layers, and compares predictions on fresh inputs. */
async function expectSamePredictionsInLayers(m: Sequential, name: string) {
  const dir = folder(name);
  await saveModel(m, `file://${dir}`);
  const loaded = await tfl.loadLayersModel(`file://${dir}/model.json`);
  const inputShape = m.getConfig().inputShape as number[];
  const { x, y } = examples(inputShape, 1, 16, 11);
  const ours = m.apply(x);
  const theirs = loaded.predict(x) as tf.Tensor;
  expect(theirs.shape).toEqual(ours.shape);
  expectTensorsClose(theirs, ours, { rtol: 1e-5, atol: 1e-5 });
  tf.dispose([x, y, ours, theirs]);
  loaded.dispose();
  return dir;
}

describe('gradwell → tfjs-layers', () => {
  test('the reference MLP: trained, saved to file://, loaded by tf.loadLayersModel, same predictions', async () => {
    const m = mlpPreset({ inputShape: [6], hidden: [16, 8], classes: 3, seed: 1 });
    await trainALittle(m, 3);
    await expectSamePredictionsInLayers(m, 'mlp');
    m.dispose();
  });

  test('the CNN with batch norm and dropout', async () => {
    const m = cnnPreset({ inputShape: [12, 12, 1], batchNorm: true, dropout: 0.3, classes: 4, seed: 2 });
    await trainALittle(m, 4);
    await expectSamePredictionsInLayers(m, 'cnn');
    m.dispose();
  });

  test('PReLU, LeakyReLU and ELU layers, layer norm, a depthwise-free conv stack with pools', async () => {
    const m = model(
      [
        conv2d({ filters: 3, kernelSize: 3, padding: 'same', name: 'conv' }),
        preluLayer({ name: 'prelu' }),
        maxPool2d({ poolSize: 2, name: 'pool' }),
        flatten({ name: 'flat' }),
        dense({ units: 8, name: 'd1' }),
        activation({ name: 'leakyRelu', options: { alpha: 0.2 } }, { name: 'leaky' }),
        dense({ units: 8, name: 'd2' }),
        activation({ name: 'elu', options: { alpha: 0.7 } }, { name: 'elu' }),
        layerNormalization({ name: 'ln' }),
        dense({ units: 6, name: 'd3' }),
        preluLayer({ shared: true, name: 'prelu2' }),
        activation('relu6', { name: 'relu6' }),
        dense({ units: 2, name: 'out' }),
      ],
      { inputShape: [6, 6, 2], seed: 3 },
    );
    await trainALittle(m, 2);
    await expectSamePredictionsInLayers(m, 'activation-layers');
    m.dispose();
  });

  // Every activation string tfjs-layers 4.22 knows (its activations.ts).
  const tfjsLayersActivations =
    'linear relu relu6 elu selu sigmoid tanh softplus softsign swish mish gelu softmax logSoftmax'.split(' ');
  test.each(tfjsLayersActivations)(
    'a dense layer with %s (an activation tfjs-layers knows) predicts the same',
    async (name) => {
      const m = model([dense({ units: 5, activation: name }), dense({ units: 3 })], {
        inputShape: [4],
        seed: 4,
      });
      await trainALittle(m, 3);
      const dir = await expectSamePredictionsInLayers(m, name);
      const json = JSON.parse(readFileSync(path.join(dir, 'model.json'), 'utf8')) as {
        modelTopology: { config: { layers: Array<{ config: { activation: unknown } }> } };
      };
      expect(typeof json.modelTopology.config.layers[0]!.config.activation).toBe('string');
      m.dispose();
    },
  );

  test("gradwell's own layers and a plugin activation load in tfjs-layers after registerLayersInterop", async () => {
    const bent = defineActivation({
      name: 'bentIdentityInterop',
      defaults: {},
      forward: (x) => tf.add(tf.div(tf.sub(tf.sqrt(tf.add(tf.square(x), 1)), 1), 2), x),
      derivative: (x) => tf.add(tf.div(x, tf.mul(2, tf.sqrt(tf.add(tf.square(x), 1)))), 1),
      customGradient: false,
      gain: () => 1,
      recommendedInit: 'glorotUniform',
      range: () => [-Infinity, Infinity],
    });
    registerActivation(bent);
    const m = model(
      [
        dropConnect({ units: 8, rate: 0.3, seed: 2, activation: 'relu', name: 'dc' }),
        sreluLayer({ name: 'srelu' }),
        maxout({ units: 6, pieces: 3, name: 'maxout' }),
        dense({ units: 6, activation: 'bentIdentityInterop', name: 'plugin' }),
        dense({ units: 6, activation: { name: 'leakyRelu', options: { alpha: 0.05 } }, name: 'leakyDense' }),
        dense({ units: 3, activation: 'hardSigmoid', name: 'out' }),
      ],
      { inputShape: [5], seed: 5 },
    );
    await trainALittle(m, 3, softmaxCrossEntropy({ fromLogits: false }));
    await expectSamePredictionsInLayers(m, 'gradwell-layers');
    m.dispose();
    const images = model(
      [
        conv2d({ filters: 4, kernelSize: 3, name: 'c' }),
        groupNormalization({ groups: 2, name: 'gn' }),
        spatialDropout({ rate: 0.2, name: 'sd' }),
        sreluLayer({ name: 'srelu2d' }),
        flatten(),
        dense({ units: 2 }),
      ],
      { inputShape: [7, 7, 2], seed: 6 },
    );
    await trainALittle(images, 2);
    await expectSamePredictionsInLayers(images, 'gradwell-image-layers');
    images.dispose();
  });
});

describe('metadata', () => {
  test("saveModel's metadata is model.json's userDefinedMetadata, which tfjs-layers reads back", async () => {
    const m = mlpPreset({ inputShape: [6], hidden: [8], classes: 3, seed: 1 });
    const dir = folder('metadata');
    const metadata = { classNames: ['cat', 'dog', 'emu'], note: { epochs: 2 } };
    await saveModel(m, `file://${dir}`, { metadata });
    const json = JSON.parse(readFileSync(path.join(dir, 'model.json'), 'utf8')) as Record<string, unknown>;
    expect(json.userDefinedMetadata).toEqual(metadata);
    const loaded = await tfl.loadLayersModel(`file://${dir}/model.json`);
    expect(loaded.getUserDefinedMetadata()).toEqual(metadata);
    loaded.dispose();
    // none given: none written
    const bare = folder('no-metadata');
    await saveModel(m, `file://${bare}`);
    const plain = JSON.parse(readFileSync(path.join(bare, 'model.json'), 'utf8')) as object;
    expect(plain).not.toHaveProperty('userDefinedMetadata');
    // what JSON would not keep is refused, naming the option
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const bad of [['a'], 'names', null, { n: Number.NaN }, { f: () => 1 }, { u: undefined }, cyclic])
      await expect(saveModel(m, `file://${dir}`, { metadata: bad as never })).rejects.toThrow(
        /^saveModel: argument 'metadata' must be a JSON object/,
      );
    m.dispose();
  });
});

describe('the exported files spell what Keras names', () => {
  test('MLP: topology and weights manifest', async () => {
    const m = mlpPreset({ inputShape: [784], seed: 1 });
    const dir = folder('manifest-mlp');
    await saveModel(m, `file://${dir}`);
    const json = JSON.parse(readFileSync(path.join(dir, 'model.json'), 'utf8')) as Record<string, unknown>;
    const dense = (name: string, units: number, activationName: string, first = false) => ({
      class_name: 'Dense',
      config: {
        name,
        trainable: true,
        ...(first ? { batch_input_shape: [null, 784], dtype: 'float32' } : {}),
        units,
        activation: activationName,
        use_bias: true,
        kernel_initializer:
          activationName === 'relu'
            ? { class_name: 'HeNormal', config: { seed: null } }
            : { class_name: 'GlorotUniform', config: { seed: null } },
        bias_initializer: { class_name: 'Zeros', config: {} },
        kernel_regularizer: null,
        bias_regularizer: null,
        activity_regularizer: null,
        kernel_constraint: null,
        bias_constraint: null,
      },
    });
    expect(json).toEqual({
      format: 'layers-model',
      generatedBy: 'gradwell (TensorFlow.js layers format, tfjs-layers 4.22)',
      convertedBy: null,
      modelTopology: {
        class_name: 'Sequential',
        config: {
          name: 'mlp',
          layers: [
            dense('dense1', 512, 'relu', true),
            dense('dense2', 256, 'relu'),
            dense('logits', 10, 'linear'),
          ],
        },
        keras_version: 'tfjs-layers 4.22.0',
        backend: 'tensor_flow.js',
      },
      weightsManifest: [
        {
          paths: ['weights.bin'],
          weights: [
            { name: 'dense1/kernel', shape: [784, 512], dtype: 'float32' },
            { name: 'dense1/bias', shape: [512], dtype: 'float32' },
            { name: 'dense2/kernel', shape: [512, 256], dtype: 'float32' },
            { name: 'dense2/bias', shape: [256], dtype: 'float32' },
            { name: 'logits/kernel', shape: [256, 10], dtype: 'float32' },
            { name: 'logits/bias', shape: [10], dtype: 'float32' },
          ],
        },
      ],
    });
    m.dispose();
  });

  test('CNN with batch norm: Conv2D, BatchNormalization, MaxPooling2D, Flatten, Dropout, Dense', async () => {
    const m = cnnPreset({ batchNorm: true, dropout: 0.5, seed: 1 });
    const dir = folder('manifest-cnn');
    await saveModel(m, `file://${dir}`);
    const json = JSON.parse(readFileSync(path.join(dir, 'model.json'), 'utf8')) as {
      modelTopology: { config: { layers: Array<{ class_name: string; config: Record<string, unknown> }> } };
      weightsManifest: Array<{ weights: Array<{ name: string }> }>;
    };
    const layers = json.modelTopology.config.layers;
    expect(layers.map((l) => l.class_name)).toEqual([
      'Conv2D',
      'BatchNormalization',
      'Activation',
      'MaxPooling2D',
      'Conv2D',
      'BatchNormalization',
      'Activation',
      'MaxPooling2D',
      'Flatten',
      'Dense',
      'BatchNormalization',
      'Activation',
      'Dropout',
      'Dense',
    ]);
    expect(layers[0]!.config).toMatchObject({
      name: 'conv1',
      batch_input_shape: [null, 28, 28, 1],
      filters: 32,
      kernel_size: [3, 3],
      strides: [1, 1],
      padding: 'valid',
      data_format: 'channels_last',
      dilation_rate: [1, 1],
      activation: 'linear',
      use_bias: false,
      kernel_initializer: { class_name: 'HeNormal', config: { seed: null } },
    });
    expect(layers[1]!.config).toMatchObject({ name: 'convBn1', axis: -1, momentum: 0.99, epsilon: 0.001 });
    expect(layers[2]!.config).toEqual({ name: 'convAct1', trainable: true, activation: 'relu' });
    expect(layers[3]!.config).toMatchObject({ pool_size: [2, 2], strides: [2, 2], padding: 'valid' });
    expect(layers[12]!.config).toMatchObject({ rate: 0.5, seed: 202, noise_shape: null });
    expect(json.weightsManifest[0]!.weights.map((w) => w.name)).toEqual([
      'conv1/kernel',
      'convBn1/gamma',
      'convBn1/beta',
      'convBn1/moving_mean',
      'convBn1/moving_variance',
      'conv2/kernel',
      'convBn2/gamma',
      'convBn2/beta',
      'convBn2/moving_mean',
      'convBn2/moving_variance',
      'dense1/kernel',
      'bn1/gamma',
      'bn1/beta',
      'bn1/moving_mean',
      'bn1/moving_variance',
      'logits/kernel',
      'logits/bias',
    ]);
    m.dispose();
  });
});

describe('tfjs-layers → gradwell', () => {
  const compileAndFit = async (m: tfl.LayersModel, shape: number[], classes: number) => {
    m.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
    const { x, y } = examples(shape, classes, 32, 7);
    const oneHot = tf.oneHot(y, classes);
    await m.fit(x, oneHot, { epochs: 2, batchSize: 8, verbose: 0 });
    tf.dispose([x, y, oneHot]);
  };

  test.each([
    [
      'MLP',
      [6],
      () =>
        tfl.sequential({
          layers: [
            tfl.layers.dense({ units: 12, activation: 'relu', inputShape: [6] }),
            tfl.layers.dropout({ rate: 0.2 }),
            tfl.layers.dense({ units: 8, activation: 'tanh', kernelInitializer: 'heUniform' }),
            tfl.layers.layerNormalization(),
            tfl.layers.dense({ units: 3, activation: 'softmax' }),
          ],
        }),
    ],
    [
      'CNN',
      [10, 10, 2],
      () =>
        tfl.sequential({
          layers: [
            tfl.layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu', inputShape: [10, 10, 2] }),
            tfl.layers.batchNormalization(),
            tfl.layers.maxPooling2d({ poolSize: 2 }),
            tfl.layers.depthwiseConv2d({ kernelSize: 2, depthMultiplier: 2, padding: 'same' }),
            tfl.layers.averagePooling2d({ poolSize: 2 }),
            tfl.layers.reLU({ maxValue: 6 }),
            tfl.layers.flatten(),
            tfl.layers.dense({ units: 8 }),
            tfl.layers.prelu(),
            tfl.layers.leakyReLU({ alpha: 0.1 }),
            tfl.layers.dense({ units: 8, activation: 'selu' }),
            tfl.layers.elu(),
            tfl.layers.dense({ units: 3, activation: 'softmax' }),
          ],
        }),
    ],
    [
      'global pooling',
      [6, 6, 3],
      () =>
        tfl.sequential({
          layers: [
            tfl.layers.conv2d({ filters: 5, kernelSize: 3, inputShape: [6, 6, 3], padding: 'same' }),
            tfl.layers.activation({ activation: 'swish' }),
            tfl.layers.globalAveragePooling2d({}),
            tfl.layers.dense({ units: 3, activation: 'softmax' }),
          ],
        }),
    ],
  ] as const)(
    '%s built and trained by tfjs-layers: same predictions, trains further with fit, saves back',
    async (name, shape, build) => {
      const theirs = build();
      await compileAndFit(theirs, [...shape], 3);
      const dir = folder(`from-layers-${name}`);
      await theirs.save(`file://${dir}`);
      const ours = await loadModel(`file://${dir}/model.json`);
      const { x } = examples([...shape], 3, 16, 13);
      const a = theirs.predict(x) as tf.Tensor;
      const b = ours.apply(x);
      expectTensorsClose(b, a, { rtol: 1e-5, atol: 1e-5 });
      tf.dispose([a, b]);
      // Fine-tune with gradwell: the loss falls.
      const train = examples([...shape], 3, 48, 17);
      const data = tensorDataset(train.x, train.y, { numClasses: 3 });
      const run = await fit(ours, data, {
        epochs: 6,
        batchSize: 16,
        loss: softmaxCrossEntropy({ fromLogits: false }),
        optimizer: { name: 'adam', learningRate: 0.01 },
      });
      expect(run.history.at(-1)!.loss).toBeLessThan(run.history[0]!.loss!);
      data.dispose();
      // …and saves back for tfjs-layers.
      const back = folder(`back-${name}`);
      await saveModel(ours, `file://${back}`);
      const reloaded = await tfl.loadLayersModel(`file://${back}/model.json`);
      const c = reloaded.predict(x) as tf.Tensor;
      const d = ours.apply(x);
      expectTensorsClose(c, d, { rtol: 1e-5, atol: 1e-5 });
      tf.dispose([c, d, x]);
      reloaded.dispose();
      theirs.dispose();
      ours.dispose();
    },
  );
});

/** The parts of a model.json the bad-file tests edit. */
interface ModelJsonFixture {
  modelTopology?: { config: { layers: Array<{ class_name: string; config: Record<string, unknown> }> } };
}

describe('bad model files are named errors, and nothing leaks', () => {
  const writeModel = async () => {
    const m = mlpPreset({ inputShape: [4], hidden: [3], classes: 2, seed: 1 });
    const dir = folder('bad');
    await saveModel(m, `file://${dir}`);
    m.dispose();
    return {
      dir,
      json: JSON.parse(readFileSync(path.join(dir, 'model.json'), 'utf8')) as ModelJsonFixture,
      weights: readFileSync(path.join(dir, 'weights.bin')),
    };
  };
  const rewrite = (dir: string, json: unknown, weights?: Uint8Array) => {
    writeFileSync(path.join(dir, 'model.json'), JSON.stringify(json));
    if (weights !== undefined) writeFileSync(path.join(dir, 'weights.bin'), weights);
  };
  const expectFileError = async (dir: string, problem: string, message: RegExp) => {
    await expectNoLeakedTensors(async () => {
      const error = (await loadModel(`file://${dir}/model.json`).catch((e: unknown) => e)) as ModelFileError;
      expect(error).toBeInstanceOf(ModelFileError);
      expect(error.name).toBe('ModelFileError');
      expect(error.problem).toBe(problem);
      expect(error.message).toMatch(message);
    });
  };

  test('no modelTopology', async () => {
    const { dir, json } = await writeModel();
    delete json.modelTopology;
    rewrite(dir, json);
    await expectFileError(dir, 'not-a-model', /no modelTopology/);
  });

  test('an unknown class_name, listing the known ones', async () => {
    const { dir, json } = await writeModel();
    json.modelTopology!.config.layers[1]!.class_name = 'Lambda';
    rewrite(dir, json);
    await expectFileError(dir, 'unknown-class', /class_name 'Lambda'.*reads Dense, Conv2D/);
  });

  test('a weight file shorter than its manifest', async () => {
    const { dir, json, weights } = await writeModel();
    rewrite(dir, json, weights.subarray(0, weights.length - 8));
    await expectFileError(
      dir,
      'weights-size',
      /weights.bin holds \d+ bytes, model.json's weights manifest describes \d+/,
    );
  });

  test('a shape that disagrees with the manifest (and the layer)', async () => {
    const { dir, json } = await writeModel();
    json.modelTopology!.config.layers[0]!.config.units = 4;
    rewrite(dir, json);
    await expectFileError(
      dir,
      'weight-mismatch',
      /dense1.*'kernel' is \[4, 3\] in the file, the layer needs \[4, 4\]/,
    );
  });

  test('NaN weights', async () => {
    const { dir, json, weights } = await writeModel();
    const poisoned = new Float32Array(
      weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
    );
    poisoned[2] = Number.NaN;
    rewrite(dir, json, new Uint8Array(poisoned.buffer));
    await expectFileError(dir, 'non-finite-weights', /'dense1\/kernel' holds NaN/);
  });

  test('a functional graph with branches, and one that is a chain', async () => {
    const input = tfl.input({ shape: [4] });
    const left = tfl.layers.dense({ units: 3, name: 'left' }).apply(input) as tfl.SymbolicTensor;
    const right = tfl.layers.dense({ units: 3, name: 'right' }).apply(input) as tfl.SymbolicTensor;
    const added = tfl.layers.add().apply([left, right]) as tfl.SymbolicTensor;
    const branched = tfl.model({ inputs: input, outputs: added });
    const dir = folder('branched');
    await branched.save(`file://${dir}`);
    await expectFileError(dir, 'not-sequential', /branches/);
    const chainInput = tfl.input({ shape: [4] });
    const hidden = tfl.layers.dense({ units: 5, activation: 'relu' }).apply(chainInput) as tfl.SymbolicTensor;
    const output = tfl.layers.dense({ units: 2 }).apply(hidden) as tfl.SymbolicTensor;
    const chain = tfl.model({ inputs: chainInput, outputs: output });
    const chainDir = folder('chain');
    await chain.save(`file://${chainDir}`);
    const ours = await loadModel(`file://${chainDir}/model.json`);
    const x = tf.randomUniform([3, 4], -1, 1, 'float32', 2);
    const a = chain.predict(x) as tf.Tensor;
    const b = ours.apply(x);
    expectTensorsClose(b, a, { rtol: 1e-5, atol: 1e-5 });
    tf.dispose([x, a, b]);
    ours.dispose();
    branched.dispose();
    chain.dispose();
  });

  test('no handler: a scheme nothing handles', async () => {
    await expect(loadModel('nowhere://x')).rejects.toThrow(/no handler for 'nowhere:\/\/x'/);
    mkdirSync(folder('empty'), { recursive: true });
  });
});

describe('the Keras route', () => {
  test('refuses layers Keras has not, one line per layer with what to use instead', async () => {
    const m = model(
      [
        dense({ units: 4, activation: 'hardSigmoid', name: 'hard' }),
        sreluLayer({ name: 'srelu' }),
        maxout({ units: 3, name: 'max' }),
        dense({ units: 2, name: 'out' }),
      ],
      { inputShape: [3], seed: 1 },
    );
    const error = (await saveModel(m, `file://${folder('keras-bad')}`, { target: 'keras' }).catch(
      (e: unknown) => e,
    )) as KerasExportError;
    expect(error).toBeInstanceOf(KerasExportError);
    expect(error.problems).toEqual([
      "hard (Dense): its activation 'hardSigmoid' has no Keras 2 form; train it with a Keras activation (relu, elu, selu, gelu, swish, mish, tanh, sigmoid, softplus, softsign, softmax).",
      'srelu (GradwellSReLU): SReLU has no Keras layer (keras-contrib had one); use PReLU or LeakyReLU.',
      'max (GradwellMaxout): maxout has no Keras layer; use Dense with a relu/leaky ReLU activation instead.',
    ]);
    m.dispose();
  });

  test('DropConnect becomes Dense; relu6 / leaky ReLU activations become Keras layers; predictions unchanged', async () => {
    const m = model(
      [
        dropConnect({ units: 6, rate: 0.4, activation: 'relu6', name: 'dc' }),
        dense({ units: 5, activation: { name: 'leakyRelu', options: { alpha: 0.2 } }, name: 'leaky' }),
        dense({ units: 2, name: 'out' }),
      ],
      { inputShape: [3], seed: 2 },
    );
    await trainALittle(m, 2);
    const dir = folder('keras-good');
    await saveModel(m, `file://${dir}`, { target: 'keras' });
    const json = JSON.parse(readFileSync(path.join(dir, 'model.json'), 'utf8')) as {
      modelTopology: { config: { layers: Array<{ class_name: string; config: Record<string, unknown> }> } };
    };
    expect(json.modelTopology.config.layers.map((l) => [l.class_name, l.config.name])).toEqual([
      ['Dense', 'dc'],
      ['ReLU', 'dc_activation'],
      ['Dense', 'leaky'],
      ['LeakyReLU', 'leaky_activation'],
      ['Dense', 'out'],
    ]);
    const loaded = await tfl.loadLayersModel(`file://${dir}/model.json`);
    const x = tf.randomUniform([5, 3], -1, 1, 'float32', 9);
    const a = loaded.predict(x) as tf.Tensor;
    const b = m.apply(x);
    expectTensorsClose(a, b, { rtol: 1e-5, atol: 1e-5 });
    tf.dispose([x, a, b]);
    loaded.dispose();
    m.dispose();
  });

  test('weight norm: its own classes for tfjs-layers (v, g, b; loads back as itself), plain folded layers for Keras', async () => {
    const m = model(
      [
        conv2d({ filters: 3, kernelSize: 3, activation: 'relu', weightNorm: true, name: 'wc' }),
        maxPool2d({ poolSize: 2, name: 'pool' }),
        flatten({ name: 'flat' }),
        dense({ units: 5, activation: 'relu6', weightNorm: true, name: 'wd' }),
        dense({ units: 2, name: 'out' }),
      ],
      { inputShape: [6, 6, 1], seed: 4 },
    );
    await trainALittle(m, 2);
    // tfjs-layers runs gradwell's classes; gradwell reads them back as weight-normalised layers
    const dir = await expectSamePredictionsInLayers(m, 'weight-norm-tfjs');
    const manifest = JSON.parse(readFileSync(path.join(dir, 'model.json'), 'utf8')) as {
      weightsManifest: Array<{ weights: Array<{ name: string }> }>;
    };
    expect(manifest.weightsManifest[0]!.weights.map((w) => w.name).slice(0, 3)).toEqual([
      'wc/kernel',
      'wc/bias',
      'wc/g',
    ]);
    const back = await loadModel(`file://${dir}/model.json`);
    expect(back.layers.map((l) => l.className)).toEqual(m.layers.map((l) => l.className));
    back.weights.forEach((w, i) => expectTensorsClose(w.variable, m.weights[i]!.variable));
    back.dispose();
    // Keras: Conv2D and Dense with the kernel g·v/‖v‖ (no g), the same predictions
    const keras = folder('weight-norm-keras');
    await saveModel(m, `file://${keras}`, { target: 'keras' });
    const json = JSON.parse(readFileSync(path.join(keras, 'model.json'), 'utf8')) as {
      modelTopology: { config: { layers: Array<{ class_name: string }> } };
      weightsManifest: Array<{ weights: Array<{ name: string }> }>;
    };
    expect(json.modelTopology.config.layers.map((l) => l.class_name)).toEqual([
      'Conv2D',
      'MaxPooling2D',
      'Flatten',
      'Dense',
      'ReLU',
      'Dense',
    ]);
    expect(json.weightsManifest[0]!.weights.some((w) => w.name.endsWith('/g'))).toBe(false);
    const loaded = await tfl.loadLayersModel(`file://${keras}/model.json`);
    const x = tf.randomUniform([4, 6, 6, 1], -1, 1, 'float32', 9);
    await expectNoLeakedTensors(() => {
      const a = loaded.predict(x) as tf.Tensor;
      const b = m.apply(x);
      expectTensorsClose(a, b, { rtol: 1e-5, atol: 1e-5 });
      tf.dispose([a, b]);
    });
    tf.dispose(x);
    loaded.dispose();
    m.dispose();
  });

  test('mean-only batch norm: its own class for tfjs-layers (β, moving mean), a BatchNormalization with σ² = 1 − ε for Keras', async () => {
    const m = model(
      [
        conv2d({ filters: 3, kernelSize: 3, weightNorm: true, useBias: false, name: 'wc' }),
        meanOnlyBatchNormalization({ name: 'mc', momentum: 0.5 }),
        activation('relu', { name: 'act' }),
        flatten({ name: 'flat' }),
        dense({ units: 4, name: 'd' }),
        meanOnlyBatchNormalization({ name: 'md', center: false, momentum: 0.5 }),
        dense({ units: 2, name: 'out' }),
      ],
      { inputShape: [5, 5, 1], seed: 6 },
    );
    await trainALittle(m, 2); // moves β and the running means off their initial values
    const dir = await expectSamePredictionsInLayers(m, 'mean-only-tfjs');
    const manifest = JSON.parse(readFileSync(path.join(dir, 'model.json'), 'utf8')) as {
      weightsManifest: Array<{ weights: Array<{ name: string }> }>;
    };
    expect(manifest.weightsManifest[0]!.weights.map((w) => w.name).filter((n) => /^m[cd]\//.test(n))).toEqual(
      ['mc/beta', 'mc/moving_mean', 'md/moving_mean'],
    );
    const back = await loadModel(`file://${dir}/model.json`);
    expect(back.layers.map((l) => l.className)).toEqual(m.layers.map((l) => l.className));
    back.weights.forEach((w, i) => expectTensorsClose(w.variable, m.weights[i]!.variable));
    back.dispose();
    const keras = folder('mean-only-keras');
    await saveModel(m, `file://${keras}`, { target: 'keras' });
    const json = JSON.parse(readFileSync(path.join(keras, 'model.json'), 'utf8')) as {
      modelTopology: { config: { layers: Array<{ class_name: string; config: Record<string, unknown> }> } };
    };
    const layers = json.modelTopology.config.layers;
    expect(layers.map((l) => l.class_name)).toEqual([
      'Conv2D',
      'BatchNormalization',
      'Activation',
      'Flatten',
      'Dense',
      'BatchNormalization',
      'Dense',
    ]);
    expect(layers[1]!.config).toMatchObject({ scale: false, center: true, epsilon: 1e-3 });
    expect(layers[5]!.config).toMatchObject({ scale: false, center: false });
    const loaded = await tfl.loadLayersModel(`file://${keras}/model.json`);
    const x = tf.randomUniform([4, 5, 5, 1], -1, 1, 'float32', 9);
    await expectNoLeakedTensors(() => {
      const a = loaded.predict(x) as tf.Tensor;
      const b = m.apply(x);
      expectTensorsClose(a, b, { rtol: 1e-5, atol: 1e-5 });
      tf.dispose([a, b]);
    });
    tf.dispose(x);
    loaded.dispose();
    m.dispose();
  });

  test('dropout layers keep their seeds', async () => {
    const m = model(
      [dense({ units: 3 }), dropoutLayer({ rate: 0.1, seed: 42, name: 'drop' }), dense({ units: 2 })],
      {
        inputShape: [2],
        seed: 3,
      },
    );
    const dir = folder('seeds');
    await saveModel(m, `file://${dir}`);
    const copy = await loadModel(`file://${dir}/model.json`);
    expect(copy.getLayer('drop').getConfig()).toEqual(m.getLayer('drop').getConfig());
    copy.dispose();
    m.dispose();
  });
});

describe('checkpoints', () => {
  test('every checkpoint opens in tfjs-layers', async () => {
    const store = directoryStore(folder('checkpoints'));
    const m = mlpPreset({ inputShape: [4], hidden: [6], classes: 2, batchNorm: true, seed: 4 });
    const { x, y } = examples([4], 2, 16, 3);
    const data = tensorDataset(x, y, { numClasses: 2 });
    await fit(m, data, { epochs: 1, batchSize: 4, callbacks: [checkpointCallback({ store })] });
    const loaded = await tfl.loadLayersModel(`file://${store.directory}/epoch-0001/model.json`);
    const probe = tf.randomUniform([5, 4], -1, 1, 'float32', 8);
    const a = loaded.predict(probe) as tf.Tensor;
    const b = m.apply(probe);
    expectTensorsClose(a, b, { rtol: 1e-5, atol: 1e-5 });
    tf.dispose([probe, a, b]);
    loaded.dispose();
    data.dispose();
    m.dispose();
  });

  test("version-1 model files (format 'gradwell-model') still load, so old checkpoints keep resuming", async () => {
    const m = mlpPreset({ inputShape: [3], hidden: [5], classes: 2, seed: 6 });
    const named = Object.fromEntries(m.weights.map((w) => [w.name, w.variable as tf.Tensor]));
    const { data, specs } = await tf.io.encodeWeights(named);
    const v1 = new Map<string, Uint8Array>([
      [
        'model.json',
        new TextEncoder().encode(
          JSON.stringify({
            format: 'gradwell-model',
            formatVersion: 1,
            modelConfig: m.getConfig(),
            weightsManifest: [{ paths: ['weights.bin'], weights: specs }],
          }),
        ),
      ],
      ['weights.bin', new Uint8Array(data)],
    ]);
    const copy = await decodeModel(v1);
    const probe = tf.randomUniform([4, 3], -1, 1, 'float32', 1);
    const a = copy.apply(probe);
    const b = m.apply(probe);
    expectTensorsClose(a, b, { rtol: 0, atol: 0 });
    tf.dispose([probe, a, b]);
    copy.dispose();
    m.dispose();
  });
});
