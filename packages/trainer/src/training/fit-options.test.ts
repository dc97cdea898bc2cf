import * as tf from '@tensorflow/tfjs-core';
import { checkCallbacks, GradwellArgumentError, setupBackend, type TrainingCallback } from '@gradwell/core';
import { earlyStopping, l2 } from '@gradwell/regularizers';
import { beforeAll, describe, expect, test } from 'vitest';
import { callback } from '../callbacks';
import { batchStream } from '../data/dataset';
import { spirals } from '../data/synthetic';
import { completeDiagnostics, type LayerDiagnostics } from '../diagnostics';
import { checkDiagnosticThresholds, DEFAULT_THRESHOLDS } from '../diagnostic-thresholds';
import { dense } from '../layers';
import { model } from '../model';
import { diagnoseModel } from './diagnose';
import { fit } from './fit';

beforeAll(async () => {
  await setupBackend();
});

const mlp = () => model([dense({ units: 8, activation: 'relu' }), dense({ units: 3 })], { inputShape: [2] });

/** A fit with `options` is refused with `message`, before a step and leaving no tensor behind. */
async function expectRefused(options: Record<string, unknown>, message: string | RegExp): Promise<void> {
  const data = spirals({ pointsPerClass: 4 });
  const m = mlp();
  m.build([2]);
  const before = m.weights.map((w) => w.variable.dataSync().slice());
  const tensors = tf.memory().numTensors;
  await expect(fit(m, data, { epochs: 1, ...options })).rejects.toThrow(message);
  expect(tf.memory().numTensors).toBe(tensors);
  expect(m.weights.map((w) => w.variable.dataSync().slice())).toEqual(before);
  m.dispose();
  data.dispose();
}

describe("fit's options are checked to the bottom", () => {
  test('shuffle and nanGuard take true or false, not a truthy or falsy stand-in', async () => {
    await expectRefused({ shuffle: 'no' }, `fit: argument 'shuffle' must be true or false, got "no"`);
    await expectRefused({ nanGuard: 0 }, `fit: argument 'nanGuard' must be true or false, got 0`);
  });

  test('augment and penalty must be what the loop calls', async () => {
    await expectRefused({ augment: { flip: true } }, /argument 'augment' must be an augment pipeline/);
    await expectRefused({ penalty: 1e-4 }, /argument 'penalty' must be a weight penalty such as l2\(1e-4\)/);
    await expectRefused({ penalty: 'l2' }, /argument 'penalty' must be a weight penalty.*got "l2"/);
  });

  test('learningRate takes a schedule (a constant rate goes in the optimizer); resume a checkpoint', async () => {
    await expectRefused(
      { learningRate: 0.01 },
      "fit: argument 'learningRate' must be a schedule such as cosineDecay({ … }); a constant rate goes in " +
        "the optimizer: optimizer: { name: 'adam', learningRate: 0.01 }, got 0.01",
    );
    await expectRefused({ learningRate: { name: 'cosine' } }, /'learningRate' must be a schedule/);
    await expectRefused({ resume: 'latest' }, /'resume' must be a loaded checkpoint \(loadCheckpoint\)/);
    await expectRefused(
      { resume: { state: { epoch: 1.5 } } },
      "fit: 'resume.state': 'epoch' must be a non-negative integer, got 1.5.",
    );
    const position = { batch: 2, random: { words: [1, 2, 3, 4] }, batchSize: 0 };
    const progress = { lossSum: 1, correctSum: 1, seen: 2, seconds: 0.1 };
    await expectRefused(
      {
        resume: {
          state: {
            epoch: 0,
            step: 1,
            seed: 0,
            history: [],
            layerRandomStates: {},
            position: { ...position, progress },
          },
        },
      },
      "fit: 'resume.state': 'position.batchSize' must be a positive integer, got 0.",
    );
  });

  test('diagnostics: true, false or known options of the right kind, thresholds included', async () => {
    await expectRefused({ diagnostics: 'epoch' }, /'diagnostics' must be true, false or an object/);
    await expectRefused(
      { diagnostics: { every: 5 } },
      "fit: unknown option 'every' in 'diagnostics' (did you mean 'everySteps'?)",
    );
    await expectRefused(
      { diagnostics: { everySteps: 0 } },
      /'diagnostics.everySteps' must be a positive integer/,
    );
    await expectRefused({ diagnostics: { probeSize: 2.5 } }, /'diagnostics.probeSize' must be a positive/);
    await expectRefused({ diagnostics: { onReport: 'log' } }, /'diagnostics.onReport' must be a function/);
    await expectRefused(
      { diagnostics: { thresholds: { vanish: 1e-3 } } },
      "fit: unknown option 'vanish' in 'diagnostics.thresholds' (did you mean 'vanishing'?)",
    );
    await expectRefused(
      { diagnostics: { thresholds: { dead: 50 } } },
      /'diagnostics.thresholds.dead' must be a number in \[0, 1\], got 50/,
    );
  });

  test('diagnostics on a stream, which has no probe batch, are refused rather than skipped', async () => {
    const m = mlp();
    const stream = batchStream(
      function* () {
        yield { x: tf.zeros([2, 2]), y: tf.tensor1d([0, 1], 'int32') };
      },
      { inputShape: [2] },
    );
    await expect(fit(m, stream, { epochs: 1, diagnostics: true })).rejects.toThrow(
      /diagnostics take their probe batch from an in-memory dataset, and 'data' is a stream/,
    );
    m.dispose();
  });

  test('callbacks: an array of objects whose hooks are functions and named as the loop calls them', async () => {
    await expectRefused({ callbacks: earlyStopping() }, /argument 'callbacks' must be an array of callbacks/);
    await expectRefused({ callbacks: [null] }, /argument 'callbacks\[0\]' must be an object with hooks/);
    await expectRefused(
      { callbacks: [{ on_epoch_end: () => {} }] },
      "fit: callbacks[0] has 'on_epoch_end', which the loop never calls (did you mean 'onEpochEnd'?)",
    );
    await expectRefused(
      { callbacks: [{ onEpochEnd: () => {}, onBatchEnds: () => {} }] },
      /callbacks\[0\] has 'onBatchEnds'.*did you mean 'onBatchEnd'/,
    );
    await expectRefused(
      { callbacks: [{ onEpochEnd: true }] },
      /'callbacks\[0\].onEpochEnd' must be a function/,
    );
    await expectRefused(
      { callbacks: [{ patience: 3 }] },
      /callbacks\[0\] has none of the hooks onTrainBegin/,
    );
  });

  test("callback(hooks) checks its hooks as fit would, naming the argument 'hooks'", () => {
    const hooks = { onEpochEnd: () => {} };
    expect(callback(hooks)).toBe(hooks);
    expect(() => callback({ ...hooks, OnTrainBegin: () => {} } as never)).toThrow(
      "callback: hooks has 'OnTrainBegin', which the loop never calls (did you mean 'onTrainBegin'?)",
    );
    expect(() => callback({})).toThrow(/callback: hooks has none of the hooks/);
    expect(() => callback(null as never)).toThrow(/callback: argument 'hooks' must be an object with hooks/);
  });

  test('class-instance callbacks with helper methods and fields pass, and are called', async () => {
    class Counter implements TrainingCallback {
      epochs = 0;
      onlyBest = true; // a field that begins with 'on' but is no hook's misspelling
      onEpochEnd(): void {
        this.epochs += 1;
      }
      report(): string {
        return `${this.epochs}`;
      }
    }
    const counter = new Counter();
    expect(() => checkCallbacks('fit', [counter, earlyStopping({ patience: 2 })])).not.toThrow();
    const data = spirals({ pointsPerClass: 4 });
    const m = mlp();
    await fit(m, data, { epochs: 2, callbacks: [counter], penalty: l2(1e-4) });
    expect(counter.report()).toBe('2');
    m.dispose();
    data.dispose();
  });
});

describe('diagnostic thresholds', () => {
  test('known keys, positive ratios, shares in [0, 1], vanishing below exploding', () => {
    expect(() =>
      checkDiagnosticThresholds('t', { vanishing: 1e-3, exploding: 10, dead: 1, saturated: 0 }),
    ).not.toThrow();
    expect(() => checkDiagnosticThresholds('t', { updateRatio: 0 })).toThrow(
      /'thresholds.updateRatio' must be a number > 0, got 0/,
    );
    expect(() => checkDiagnosticThresholds('t', { exploding: Number.NaN })).toThrow(/'thresholds.exploding'/);
    expect(() => checkDiagnosticThresholds('t', { vanishing: 200 })).toThrow(
      "t: 'thresholds.vanishing' (200) must be below 'thresholds.exploding' (100 by default), or every gradient would be flagged.",
    );
    expect(() => checkDiagnosticThresholds('t', { vanishing: 1, exploding: 0.5 })).toThrow(
      "(1) must be below 'thresholds.exploding' (0.5)",
    );
    expect(() => checkDiagnosticThresholds('t', [0.1])).toThrow(GradwellArgumentError);
  });

  test('the thresholds given set the flags; those not given keep their defaults', () => {
    const layer = (): LayerDiagnostics => ({
      layer: 'd',
      className: 'Dense',
      activationMean: 0,
      activationStd: 1,
      deadFraction: 0.3,
      flags: [],
    });
    const norms = [
      { norm: 0.05, count: 1 },
      { norm: 1, count: 1 },
    ];
    const flagsWith = (thresholds: object) => {
      const layers = [layer(), layer()];
      completeDiagnostics(layers, norms, [0.05, undefined], thresholds);
      return layers.map((l) => l.flags);
    };
    expect(DEFAULT_THRESHOLDS.vanishing).toBe(1e-2);
    expect(flagsWith({})).toEqual([[], []]);
    expect(flagsWith({ vanishing: 0.1, dead: 0.25, updateRatio: 0.01 })).toEqual([
      ['vanishing-gradient', 'update-too-large', 'dead-units'],
      ['dead-units'],
    ]);
  });

  test('diagnoseModel checks its thresholds, epoch and step', () => {
    const data = spirals({ pointsPerClass: 4 });
    const m = mlp();
    expect(() => diagnoseModel(m, data, { thresholds: { exploding: -1 } })).toThrow(
      "diagnoseModel: argument 'thresholds.exploding' must be a number > 0, got -1",
    );
    expect(() => diagnoseModel(m, data, { epoch: -1 })).toThrow(/'epoch' must be a non-negative integer/);
    const report = diagnoseModel(m, data, { thresholds: { vanishing: 0.5 }, step: 3 });
    expect(report.step).toBe(3);
    m.dispose();
    data.dispose();
  });
});
