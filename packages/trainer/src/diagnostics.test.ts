import * as tf from '@tensorflow/tfjs-core';
import { setupBackend } from '@gradwell/core';
import { expectNoLeakedTensors } from '@gradwell/test-utils';
import { beforeAll, describe, expect, test } from 'vitest';
import { spirals } from './data/synthetic';
import {
  activationDiagnostics,
  DIAGNOSTICS_COLUMNS,
  diagnosticsRows,
  flagChanges,
  type DiagnosticFlag,
} from './diagnostics';
import { locateNonFinite } from './nan-guard';
import { fit } from './training/fit';
import { dense } from './layers';
import { model } from './model';

beforeAll(async () => {
  await setupBackend();
});

const norm = (t: tf.Tensor) => Math.sqrt(tf.sum(tf.square(t)).dataSync()[0]!);

describe('diagnostics during fit', () => {
  test('a deep sigmoid net with small weights: vanishing gradients flagged in the first layers, not at the output', async () => {
    const data = spirals({ pointsPerClass: 30 });
    const layers = Array.from({ length: 8 }, (_, i) =>
      dense({
        units: 32,
        activation: 'sigmoid',
        kernelInitializer: { name: 'normal', options: { std: 0.1 } },
        name: `s${i}`,
      }),
    );
    const m = model([...layers, dense({ units: 3, name: 'out' })], { inputShape: [2], seed: 1 });
    const run = await expectNoLeakedTensors(async () => {
      const r = await fit(m, data, { epochs: 1, batchSize: 30, optimizer: 'sgd', diagnostics: true });
      return r;
    });
    expect(run.diagnostics).toHaveLength(1);
    const [report] = run.diagnostics;
    expect(report!.step).toBe(3);
    expect(report!.layers[0]!.flags).toContain('vanishing-gradient');
    expect(report!.layers[8]!.relativeGradient).toBe(1);
    expect(report!.layers[8]!.flags).not.toContain('vanishing-gradient');
    expect(report!.warnings.some((w) => w.startsWith('s0 (Dense): vanishing gradient'))).toBe(true);
    expect(run.history[0]!.warnings).toBe(report!.warnings.length);
    // sigmoid outputs sit near 0.5 with small weights: mean ≈ 0.5, and no unit is "dead" (not a ReLU)
    expect(report!.layers[3]!.activationMean).toBeCloseTo(0.5, 1);
    expect(report!.layers[3]!.deadFraction).toBeUndefined();
    m.dispose();
    data.dispose();
  });

  test('dead ReLUs and saturated tanh units are measured and flagged', async () => {
    const data = spirals({ pointsPerClass: 20 });
    const m = model(
      [
        dense({
          units: 16,
          activation: 'tanh',
          kernelInitializer: { name: 'normal', options: { std: 30 } },
          name: 'saturated',
        }),
        dense({
          units: 16,
          activation: 'relu',
          biasInitializer: { name: 'constant', options: { value: -20 } },
          name: 'dead',
        }),
        dense({ units: 3 }),
      ],
      { inputShape: [2], seed: 1 },
    );
    const probe = data.batch(Array.from({ length: 60 }, (_, i) => i));
    const stats = activationDiagnostics(m, probe.x);
    expect(stats[1]!.deadFraction).toBe(1);
    // Saturation is not a ReLU notion (its flat side is what dead-unit counting measures).
    expect(stats[1]!.saturationFraction).toBeUndefined();
    expect(stats[1]!.activationMean).toBe(0);
    const run = await fit(m, data, {
      epochs: 1,
      batchSize: 60,
      optimizer: 'sgd',
      diagnostics: { everySteps: 1, probeSize: 60 },
    });
    const report = run.diagnostics[0]!;
    expect(report.layers[1]!.flags).toContain('dead-units');
    expect(report.layers[1]!.gradientNorm).toBe(0);
    expect(report.layers[1]!.flags).toContain('vanishing-gradient');
    expect(report.layers[0]!.saturationFraction).toBeGreaterThan(0.5);
    expect(report.layers[0]!.flags).toContain('saturated');
    tf.dispose([probe.x, probe.y]);
    m.dispose();
    data.dispose();
  });

  test('the update ratio of an SGD step is η·‖g‖/‖W‖ per layer', async () => {
    const data = spirals({ pointsPerClass: 10 });
    const m = model(
      [dense({ units: 8, activation: 'tanh', useBias: false }), dense({ units: 3, useBias: false })],
      { inputShape: [2], seed: 2 },
    );
    const before = m.weights.map((w) => norm(w.variable));
    const run = await fit(m, data, {
      epochs: 1,
      batchSize: 30,
      optimizer: { name: 'sgd', learningRate: 0.1 },
      diagnostics: true,
      shuffle: false,
    });
    const [first, second] = run.diagnostics[0]!.layers;
    expect(first!.updateRatio).toBeCloseTo((0.1 * first!.gradientNorm!) / before[0]!, 5);
    expect(second!.updateRatio).toBeCloseTo((0.1 * second!.gradientNorm!) / before[1]!, 5);
    m.dispose();
    data.dispose();
  });
});

describe('locateNonFinite', () => {
  test('names the input, the first bad layer output, or the loss', () => {
    const m = model(
      [
        dense({
          units: 2,
          activation: { name: 'exponential', apply: (x: tf.Tensor) => tf.exp(x) },
          kernelInitializer: 'ones',
          name: 'a',
        }),
        dense({ units: 2, name: 'b' }),
      ],
      { inputShape: [1], seed: 1 },
    );
    const bad = tf.tensor2d([[Number.NaN]]);
    expect(locateNonFinite(m, bad, { epoch: 0, step: 0, loss: Number.NaN }).where).toBe('input');
    const huge = tf.tensor2d([[1e30]]);
    const report = locateNonFinite(m, huge, { epoch: 1, step: 5, loss: Number.POSITIVE_INFINITY });
    expect(report).toMatchObject({ where: 'output', layer: 'a', layerIndex: 0 });
    const fine = tf.tensor2d([[0.5]]);
    expect(locateNonFinite(m, fine, { epoch: 0, step: 0, loss: Number.NaN }).where).toBe('loss');
    tf.dispose([bad, huge, fine]);
    m.dispose();
  });
});

describe('flagChanges', () => {
  const report = (flags: Record<string, string[]>) => ({
    epoch: 0,
    step: 0,
    warnings: [],
    layers: Object.entries(flags).map(([layer, f]) => ({
      layer,
      className: 'Dense',
      activationMean: 0,
      activationStd: 1,
      flags: f as DiagnosticFlag[],
    })),
  });
  test("lists each flagged layer's flags where they changed; layers never flagged are left out", () => {
    const reports = [
      report({ a: ['vanishing-gradient'], b: [], c: ['dead-units'] }),
      report({ a: ['vanishing-gradient'], b: [], c: [] }),
      report({ a: [], b: [], c: ['dead-units', 'update-too-large'] }),
    ];
    expect(flagChanges(reports, ['init', 'epoch 1', 'epoch 2'])).toEqual([
      {
        layer: 'a',
        changes: [
          { label: 'init', flags: ['vanishing-gradient'] },
          { label: 'epoch 2', flags: [] },
        ],
      },
      {
        layer: 'c',
        changes: [
          { label: 'init', flags: ['dead-units'] },
          { label: 'epoch 1', flags: [] },
          { label: 'epoch 2', flags: ['dead-units', 'update-too-large'] },
        ],
      },
    ]);
    expect(() => flagChanges(reports, ['init'])).toThrow(/3 reports but 1 labels/);
  });
});

describe('diagnosticsRows', () => {
  test('one row per layer with something measured, in the columns’ order; `ok` without flags', () => {
    const layers = [
      { layer: 'conv', className: 'Conv2d', activationMean: 0.5, activationStd: 1.5, deadFraction: 0.25 },
      { layer: 'pool', className: 'MaxPool2d', activationMean: 0.4, activationStd: 1.2 }, // nothing measured
      {
        layer: 'tanh',
        className: 'Dense',
        activationMean: -0.1,
        activationStd: 0.9,
        saturationFraction: 0.5,
        gradientNorm: 2,
        relativeGradient: 0.001,
        updateRatio: 0.01,
        flags: ['vanishing-gradient', 'saturated'] as DiagnosticFlag[],
      },
      { layer: 'out', className: 'Dense', activationMean: 0, activationStd: 1, gradientNorm: 3 },
    ].map((l) => ({ flags: [] as DiagnosticFlag[], ...l }));
    const rows = diagnosticsRows({ epoch: 1, step: 10, warnings: [], layers });
    expect(DIAGNOSTICS_COLUMNS.map((c) => c.heading)).toEqual([
      'layer',
      'act. mean',
      'act. std',
      'dead',
      'saturated',
      '‖grad‖',
      'grad vs output',
      'update/weight',
      'flags',
    ]);
    expect(rows).toEqual([
      ['conv', 0.5, 1.5, 0.25, undefined, undefined, undefined, undefined, 'ok'],
      ['tanh', -0.1, 0.9, undefined, 0.5, 2, 0.001, 0.01, 'vanishing-gradient saturated'],
      ['out', 0, 1, undefined, undefined, 3, undefined, undefined, 'ok'],
    ]);
    expect(rows.every((row) => row.length === DIAGNOSTICS_COLUMNS.length)).toBe(true);
  });
});
