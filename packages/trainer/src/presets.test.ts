import * as tf from '@tensorflow/tfjs-core';
import { initializeWeightNorm, type WeightNormDense } from '@gradwell/batchnorm';
import { lsuv } from '@gradwell/init';
import { setupBackend } from '@gradwell/core';
import { expectNoLeakedTensors, expectTensorsClose } from '@gradwell/test-utils';
import { beforeAll, describe, expect, test } from 'vitest';
import { callback, formatEpochLogs, progressLogger } from './callbacks';
import { decodeModel, encodeModel } from './checkpoint';
import { hostDataset, tensorDataset } from './data/dataset';
import { estimateBatchNormStatistics } from './batch-norm-statistics';
import { dense } from './layers';
import { fit } from './training/fit';
import { cnnPreset, mlpPreset } from './presets';
import { resolveActivation, resolveInitializer } from './resolve';

beforeAll(async () => {
  await setupBackend();
});

describe('presets', () => {
  test("MLP: the foundation issue's 784-512-256-10 by default, initialiser chosen for the activation", async () => {
    await expectNoLeakedTensors(() => {
      const m = mlpPreset();
      expect(m.layers.map((l) => l.className)).toEqual(['Flatten', 'Dense', 'Dense', 'Dense']);
      expect(m.summary().totalParams).toBe(784 * 512 + 512 + 512 * 256 + 256 + 256 * 10 + 10);
      expect(m.summary().rows[1]!.initializer).toBe('heNormal (chosen for relu)');
      m.dispose();
      const tanh = mlpPreset({ activation: 'tanh', inputShape: [784], hidden: [32] });
      expect(tanh.summary().rows[0]!.initializer).toBe('glorotUniform (chosen for tanh)');
      tanh.dispose();
    });
  });

  test('recipe options: batch norm before the activation, dropout, input dropout, DropConnect', () => {
    const m = mlpPreset({ hidden: [16], batchNorm: true, dropout: 0.5, inputDropout: 0.2, inputShape: [8] });
    expect(m.layers.map((l) => l.className)).toEqual([
      'Dropout',
      'Dense',
      'BatchNorm',
      'Activation',
      'Dropout',
      'Dense',
    ]);
    expect(m.summary().rows[1]!.initializer).toBe('heNormal (chosen for relu)');
    expect((m.layers[1] as unknown as { useBias: boolean }).useBias).toBe(false);
    m.dispose();
    const dc = mlpPreset({ hidden: [16], dropConnect: 0.3, inputShape: [8] });
    expect(dc.layers.map((l) => l.className)).toEqual(['DropConnectDense', 'Dense']);
    dc.dispose();
    const cnn = cnnPreset({ batchNorm: true });
    expect(cnn.layers.map((l) => l.className)).toEqual([
      'Conv2d',
      'BatchNorm',
      'Activation',
      'MaxPool2d',
      'Conv2d',
      'BatchNorm',
      'Activation',
      'MaxPool2d',
      'Flatten',
      'Dense',
      'BatchNorm',
      'Activation',
      'Dense',
    ]);
    expect(cnn.summary().rows.at(-1)!.outputShape).toEqual([10]);
    cnn.dispose();
  });

  test('weightNorm: weight-normalised hidden dense and conv layers (the logits plain); data init, fit, checkpoint', async () => {
    const cnn = cnnPreset({ weightNorm: true, inputShape: [12, 12, 1], classes: 3 });
    expect(cnn.layers.map((l) => l.className)).toEqual([
      'WeightNormConv2d',
      'MaxPool2d',
      'WeightNormConv2d',
      'MaxPool2d',
      'Flatten',
      'WeightNormDense',
      'Dense',
    ]);
    cnn.dispose();
    const bn = mlpPreset({ hidden: [4], weightNorm: true, batchNorm: true, inputShape: [3] });
    expect(bn.layers.map((l) => l.className)).toEqual([
      'WeightNormDense',
      'BatchNorm',
      'Activation',
      'Dense',
    ]);
    bn.dispose();
    expect(() => mlpPreset({ weightNorm: true, dropConnect: 0.2 })).toThrow(
      "mlpPreset: 'weightNorm' and 'dropConnect' both replace the hidden dense layers; choose one.",
    );
    expect(() => mlpPreset({ weightNorm: 'yes' as never })).toThrow(
      "mlpPreset: argument 'weightNorm' must be true or false",
    );
    expect(() => dense({ units: 2, weightNorm: 1 as never })).toThrow(
      "dense: argument 'weightNorm' must be true or false",
    );

    const m = mlpPreset({ hidden: [12, 8], weightNorm: true, inputShape: [6], classes: 3, seed: 2 });
    const x = tf.randomUniform([48, 6], -1, 1, 'float32', 4);
    const y = tf.tensor1d(
      Array.from({ length: 48 }, (_, i) => i % 3),
      'int32',
    );
    const data = tensorDataset(x, y, { numClasses: 3 });
    const inputs = data.x; // made on first use, kept by the dataset
    await expectNoLeakedTensors(async () => {
      expect(initializeWeightNorm(m, inputs).map((r) => r.layer)).toEqual(['dense1', 'dense2']);
      const { history } = await fit(m, data, { epochs: 3, batchSize: 16, seed: 1 });
      expect(history.at(-1)!.loss).toBeLessThan(history[0]!.loss as number);
    });
    const copy = await decodeModel(await encodeModel(m));
    expect(copy.layers.map((l) => l.className)).toEqual(m.layers.map((l) => l.className));
    const [a, b] = [m.apply(inputs), copy.apply(inputs)];
    expectTensorsClose(a, b);
    tf.dispose([a, b]);
    copy.dispose();
    data.dispose();
    m.dispose();
  });

  test("batchNorm: 'mean-only' (with weightNorm, the paper's pairing): layers, data init, fit, PreciseBN, checkpoint", async () => {
    const cnn = cnnPreset({ batchNorm: 'mean-only', weightNorm: true, inputShape: [12, 12, 1], classes: 3 });
    expect(cnn.layers.map((l) => l.className)).toEqual([
      'WeightNormConv2d',
      'MeanOnlyBatchNorm',
      'Activation',
      'MaxPool2d',
      'WeightNormConv2d',
      'MeanOnlyBatchNorm',
      'Activation',
      'MaxPool2d',
      'Flatten',
      'WeightNormDense',
      'MeanOnlyBatchNorm',
      'Activation',
      'Dense',
    ]);
    cnn.dispose();
    expect(() => mlpPreset({ batchNorm: 'mean' as never })).toThrow(
      `mlpPreset: argument 'batchNorm' must be true, false or 'mean-only', got "mean"`,
    );

    const m = mlpPreset({
      hidden: [12],
      batchNorm: 'mean-only',
      weightNorm: true,
      inputShape: [6],
      classes: 3,
    });
    expect((m.layers[0] as unknown as { useBias: boolean }).useBias).toBe(false); // β is the bias
    const x = tf.randomUniform([48, 6], -1, 1, 'float32', 4);
    const y = tf.tensor1d(
      Array.from({ length: 48 }, (_, i) => i % 3),
      'int32',
    );
    const data = tensorDataset(x, y, { numClasses: 3 });
    const inputs = data.x;
    await expectNoLeakedTensors(async () => {
      expect(initializeWeightNorm(m, inputs).map((r) => r.layer)).toEqual(['dense1']);
      const { history } = await fit(m, data, { epochs: 4, batchSize: 16, seed: 1 });
      expect(history.at(-1)!.loss).toBeLessThan(history[0]!.loss as number);
      expect(await estimateBatchNormStatistics(m, data)).toEqual({ layers: ['bn1'], examples: 48 });
    });
    // PreciseBN leaves the running mean at the training set's mean of the pre-activations
    const pre = (m.layers[0] as WeightNormDense).apply(inputs);
    const running = m.layers[1]!.weights.find((w) => w.name.endsWith('movingMean'))!.variable;
    expectTensorsClose(running, tf.mean(pre, 0), { atol: 1e-5 });
    const copy = await decodeModel(await encodeModel(m));
    const [a, b] = [m.apply(inputs), copy.apply(inputs)];
    expectTensorsClose(a, b);
    tf.dispose([a, b, pre]);
    copy.dispose();
    data.dispose();
    m.dispose();
  });

  test("LSUV on a weight-normalised net rescales g (the kernel v's length changes nothing) and converges", () => {
    const m = mlpPreset({ hidden: [32, 16], weightNorm: true, inputShape: [20], seed: 3 });
    const batch = tf.randomNormal([64, 20], 0, 3, 'float32', 5);
    const reports = lsuv(m, batch);
    expect(reports.map((r) => [r.layer, r.converged])).toEqual([
      ['dense1', true],
      ['dense2', true],
      ['logits', true],
    ]);
    const pre = (m.layers[0] as WeightNormDense).applyPreActivation(batch);
    expect(Math.abs(tf.moments(pre).variance.dataSync()[0]! - 1)).toBeLessThanOrEqual(0.1);
    tf.dispose([batch, pre]);
    m.dispose();
  });

  test('out-of-range options are named', () => {
    expect(() => mlpPreset({ dropout: 1 })).toThrow(/dropout/);
    expect(() => mlpPreset({ hidden: [0] })).toThrow(/hidden/);
    expect(() => cnnPreset({ classes: 0 })).toThrow(/classes/);
    expect(() => mlpPreset({ inputDropout: -0.1 })).toThrow(/inputDropout/);
  });
});

describe('callbacks and resolution', () => {
  test('formatEpochLogs and progressLogger write one readable line per epoch', () => {
    const line = formatEpochLogs(2, 10, {
      epoch: 2,
      loss: 0.12345,
      accuracy: 0.9612,
      valLoss: 0.2,
      learningRate: 0.001,
      seconds: 1.25,
      examplesPerSecond: 4800,
    });
    expect(line).toBe(
      'epoch 3/10  loss 0.1235  accuracy 96.12%  valLoss 0.2000  lr 0.00100  1.3 s  4800 ex/s',
    );
    const lines: string[] = [];
    const logger = progressLogger({ write: (l) => lines.push(l) });
    void logger.onEpochEnd?.(0, { loss: 1 }, {
      params: { epochs: 2, stepsPerEpoch: 1, batchSize: 1 },
    } as never);
    expect(lines).toEqual(['epoch 1/2  loss 1.0000']);
    // its arguments in the wrong order, or no logs, are named, not a TypeError inside the loop over them
    expect(() => formatEpochLogs(0, 1, null as never)).toThrow(
      "formatEpochLogs: argument 'logs' must be an epoch's logs (an object), got null",
    );
    expect(() => formatEpochLogs({ loss: 1 } as never, 1, {})).toThrow(/^formatEpochLogs: argument 'epoch'/);
    expect(() => formatEpochLogs(0, 0, {})).toThrow(/^formatEpochLogs: argument 'epochs'/);
    const hooks = { onTrainBegin: () => undefined };
    expect(callback(hooks)).toBe(hooks);
  });

  test('activations and initialisers by name, by name with options, or as objects', () => {
    expect(resolveActivation('gelu').name).toBe('gelu');
    expect(resolveActivation({ name: 'elu', options: { alpha: 0.5 } }).getConfig?.()).toEqual({ alpha: 0.5 });
    const custom = { name: 'id', apply: (x: never) => x };
    expect(resolveActivation(custom)).toBe(custom);
    expect(resolveInitializer('heUniform').className).toBe('heUniform');
    expect(resolveInitializer({ name: 'normal', options: { std: 0.2 } }).getConfig()).toEqual({
      mean: 0,
      std: 0.2,
    });
    expect(() => resolveInitializer({ name: 'normal', options: { stddev: 0.2 } })).toThrow(
      /unknown option 'stddev' \(did you mean 'std'\?\)/,
    );
  });

  test('hostDataset validates its arrays and copies batches row by row', () => {
    const ds = hostDataset(Float32Array.from([1, 2, 3, 4, 5, 6]), Int32Array.from([0, 1, 1]), [2]);
    const b = ds.batch([2, 0]);
    expect(Array.from(b.x.dataSync())).toEqual([5, 6, 1, 2]);
    expect(Array.from(b.y.dataSync())).toEqual([1, 0]);
    b.x.dispose();
    b.y.dispose();
    expect(() => ds.batch([3])).toThrow(/indices in \[0, 3\)/);
    ds.dispose();
    expect(() => hostDataset(Float32Array.from([1, Number.NaN]), Int32Array.from([0]), [2])).toThrow(
      /finite/,
    );
    expect(() => hostDataset(Float32Array.from([1, 2, 3]), Int32Array.from([0]), [2])).toThrow(
      /multiple of 2/,
    );
    expect(() => hostDataset(Float32Array.from([1, 2]), Int32Array.from([0, 1]), [2])).toThrow(/labels/);
    expect(() => hostDataset(Float32Array.from([1, 2]), Int32Array.from([-1]), [2])).toThrow(/class ids/);
  });
});
