import { GradwellArgumentError, setupBackend } from '@gradwell/core';
import { expectNoLeakedTensors } from '@gradwell/test-utils';
import { beforeAll, describe, expect, test } from 'vitest';
import { blobs } from './data/synthetic';
import { dense } from './layers';
import { model } from './model';
import type { StallReport } from './stall-causes';
import { stallDetector } from './stall-detector';
import { fit } from './training/fit';

beforeAll(async () => {
  await setupBackend();
});

const deep = (init: string, depth = 30) =>
  model(
    [
      ...Array.from({ length: depth }, (_, i) =>
        dense({ units: 32, activation: 'relu', kernelInitializer: init, name: `d${i + 1}` }),
      ),
      dense({ units: 10, name: 'out' }),
    ],
    { inputShape: [20], seed: 1 },
  );

describe('stallDetector', () => {
  test("the lecture's case: 30 ReLU layers with Xavier initialisation under Adam stall at chance; the cause ranked first is the initialisation", async () => {
    const data = blobs({ classes: 10, pointsPerClass: 60, dimensions: 20, seed: 1 });
    const m = deep('glorotUniform');
    const seen: StallReport[] = [];
    const detector = stallDetector({ windowSteps: 10, classes: 10, onStall: (r) => seen.push(r) });
    await expectNoLeakedTensors(() =>
      fit(m, data, { epochs: 3, batchSize: 32, seed: 1, callbacks: [detector] }),
    );
    expect(seen).toHaveLength(1);
    const report = detector.report as StallReport;
    expect(report).toBe(seen[0]);
    expect(report.step).toBe(30);
    expect(report.reasons).toContain('accuracy at chance level');
    expect(report.chance).toBeCloseTo(0.1, 10);
    expect(report.causes.map((c) => c.cause)).toHaveLength(3);
    expect(report.causes[0]!.cause).toBe('initialization');
    expect(report.causes[0]!.evidence).toMatch(/vanishing-gradient/);
    expect(report.message).toMatch(/^training stalled by step 30/);
    expect(report.message).toMatch(/1\. initialisation vs activation/);
    m.dispose();
    // The same net with He initialisation learns: no stall.
    const he = deep('heNormal');
    const quiet = stallDetector({ windowSteps: 10, classes: 10 });
    await fit(he, data, { epochs: 3, batchSize: 32, seed: 1, callbacks: [quiet] });
    expect(quiet.report).toBeUndefined();
    he.dispose();
    data.dispose();
  });

  test('a learning rate too small to move the weights is ranked first', async () => {
    const data = blobs({ classes: 4, pointsPerClass: 40, dimensions: 8, seed: 2 });
    const m = model([dense({ units: 32, activation: 'relu', name: 'h' }), dense({ units: 4, name: 'out' })], {
      inputShape: [8],
      seed: 2,
    });
    const detector = stallDetector({ windowSteps: 5, classes: 4 });
    await fit(m, data, {
      epochs: 4,
      batchSize: 16,
      seed: 1,
      optimizer: { name: 'sgd', learningRate: 1e-7 },
      callbacks: [detector],
    });
    expect(detector.report?.reasons).toContain('loss not falling');
    expect(detector.report?.causes[0]).toMatchObject({ cause: 'learning-rate' });
    expect(detector.report?.causes[0]!.advice).toMatch(/too low/);
    m.dispose();
    data.dispose();
  });

  test('dead ReLUs (a bias that keeps every unit off) are ranked first', async () => {
    const data = blobs({ classes: 3, pointsPerClass: 40, dimensions: 4, seed: 3 });
    const m = model(
      [
        dense({
          units: 32,
          activation: 'relu',
          biasInitializer: { name: 'constant', options: { value: -100 } },
          name: 'h',
        }),
        dense({ units: 3, name: 'out' }),
      ],
      { inputShape: [4], seed: 3 },
    );
    const detector = stallDetector({ windowSteps: 5, classes: 3 });
    await fit(m, data, { epochs: 4, batchSize: 16, seed: 1, callbacks: [detector] });
    expect(detector.report?.causes[0]).toMatchObject({ cause: 'dead-units', score: 1 });
    expect(detector.report?.causes[0]!.evidence).toMatch(/h: 100\.0% of its units never fire/);
    m.dispose();
    data.dispose();
  });

  test('stop: true ends the run when it stalls', async () => {
    const data = blobs({ classes: 10, pointsPerClass: 30, dimensions: 20, seed: 1 });
    const m = deep('glorotUniform');
    const run = await fit(m, data, {
      epochs: 10,
      batchSize: 30,
      seed: 1,
      optimizer: 'sgd',
      callbacks: [stallDetector({ windowSteps: 10, classes: 10, stop: true })],
    });
    expect(run.stopReason).toMatch(/^stalled: /);
    expect(run.history.length).toBeLessThan(10);
    m.dispose();
    data.dispose();
  });

  test('bad options name the argument', () => {
    expect(() => stallDetector({ windowSteps: 0 })).toThrow(GradwellArgumentError);
    expect(() => stallDetector({ windowSteps: 0 })).toThrow(/'windowSteps'/);
    expect(() => stallDetector({ minLossDrop: 1 })).toThrow(/'minLossDrop'/);
    expect(() => stallDetector({ minLossDrop: Number.NaN })).toThrow(/'minLossDrop'/);
    expect(() => stallDetector({ minWindows: 1 })).toThrow(/'minWindows'.*at least 2/);
    expect(() => stallDetector({ classes: 2.5 })).toThrow(/'classes'/);
    expect(() => stallDetector({ chanceFactor: 0.5 })).toThrow(/'chanceFactor'/);
  });
});
