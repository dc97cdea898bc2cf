/**
 * Activation plugins all the way: checked by the conformance kit before anything uses them (a wrong
 * derivative is caught, one line per failed check), then usable by name in `train` (flags and model JSON
 * files), `lr-find`, `experiment` and `bench` — the last outside a checkout too.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { expectOneLineError, here, json, run as runIn, scratchFolder } from './cli-process';

const scratch = scratchFolder();
const run = (args: string[]) => runIn(args, scratch);
// Inside the app's folder, so that the plugins' imports resolve to the app's own packages.
const plugins = path.join(here, '..', '.test-plugins', 'plugins-test');
mkdirSync(plugins, { recursive: true });
afterAll(() => rmSync(plugins, { recursive: true, force: true }));

const plugin = (file: string, name: string, derivative: string) => {
  const target = path.join(plugins, file);
  writeFileSync(
    target,
    `import * as tf from '@tensorflow/tfjs-core';
import { defineActivation } from '@gradwell/activations';
export default defineActivation({
  name: '${name}',
  defaults: {},
  forward: (x) => tf.div(x, tf.add(1, tf.abs(x))),
  derivative: ${derivative},
  customGradient: true,
  gain: () => 1,
  recommendedInit: 'glorotUniform',
  range: () => [-1, 1],
  kinks: () => [0],
});
`,
  );
  return target;
};

// softsign, f = x/(1+|x|), f′ = 1/(1+|x|)²: right, and with the derivative the issue found listed happily (f′ = 1).
const good = plugin('softer.mjs', 'softerSign', '(x) => tf.div(1, tf.square(tf.add(1, tf.abs(x))))');
const wrong = plugin('wrong.mjs', 'wrongSign', '(x) => tf.onesLike(x)');

describe('the conformance kit guards every command', () => {
  test('activations check: a report; a wrong derivative is exit 1 with one line per failed check', () => {
    const passed = run(['activations', 'check', good]);
    expect(passed.code, passed.stderr).toBe(0);
    expect(passed.stdout).toMatch(/softerSign: passes all \d+ checks/);
    const failed = run(['activations', 'check', wrong]);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/wrongSign: fails \d+ of \d+ checks/);
    expect(failed.stdout).toMatch(/\[wasm\] derivative equals central differences/);
    expect(failed.stdout).toMatch(/\[cpu\] derivative equals central differences/);
    const report = json<{
      reports: Array<{ passed: boolean; checks: Array<{ name: string; passed: boolean }> }>;
    }>(run(['activations', 'check', good, '--json']));
    expect(report.reports[0]?.passed).toBe(true);
  });

  test.each([
    ['activations', '--plugin', wrong],
    ['train', '--dataset', 'spirals', '--plugin', wrong, '--activation', 'wrongSign'],
    ['bench', 'activations', '--plugin', wrong],
  ])('%s --plugin with a wrong derivative stops before using it', (...args) => {
    const r = run(args);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/'wrongSign' from '.*wrong\.mjs' fails the conformance kit:/);
    expect(r.stderr).toMatch(/- \[wasm\] derivative equals central differences/);
    expect(r.stderr).toMatch(/see gradwell activations check/);
  });
});

describe('a plugin by name, like a built-in', () => {
  test('train --plugin: the flag and a model JSON file; lr-find --plugin', () => {
    const trained = json<{
      summary: { rows: Array<{ name: string; initializer?: string }> };
      testAccuracy: number;
    }>(
      run([
        'train',
        '--limit',
        '1000',
        '--plugin',
        good,
        '--activation',
        'softerSign',
        '--hidden',
        '32',
        '--epochs',
        '2',
        '--out',
        path.join(scratch, 'p1'),
        '--json',
      ]),
    );
    expect(trained.testAccuracy).toBeGreaterThan(0.5);
    expect(trained.summary.rows.find((row) => row.name === 'dense1')?.initializer).toMatch(
      /glorotUniform \(chosen for softerSign\)/,
    );
    // inspect, export and evaluate register the run's plugins from its config.json; a bare model.json
    // needs --plugin, and says so
    const p1 = path.join(scratch, 'p1');
    expect(json<{ layers: Array<{ name: string }> }>(run(['inspect', p1, '--json'])).layers).toHaveLength(3);
    expect(json<{ accuracy: number }>(run(['evaluate', p1, '--mistakes', '0', '--json'])).accuracy).toBe(
      trained.testAccuracy,
    );
    expect(run(['export', p1, '--out', path.join(scratch, 'p1-exported')]).code).toBe(0);
    const bare = path.join(scratch, 'p1-exported', 'model.json');
    expectOneLineError(
      run(['inspect', bare]),
      2,
      /the activation 'softerSign' is not registered here.* — pass --plugin <module> with the activation plugin it was trained with/,
    );
    expect(
      json<{ totalParams: number }>(run(['inspect', bare, '--plugin', good, '--json'])).totalParams,
    ).toBe(784 * 32 + 32 + 32 * 10 + 10);
    const modelFile = path.join(scratch, 'model.json');
    writeFileSync(
      modelFile,
      JSON.stringify({
        layers: [
          {
            className: 'Dense',
            config: { name: 'h', units: 16, activation: { className: 'softerSign', config: {} } },
          },
          { className: 'Dense', config: { name: 'out', units: 3 } },
        ],
      }),
    );
    json(
      run([
        'train',
        '--dataset',
        'spirals',
        '--plugin',
        good,
        '--model',
        modelFile,
        '--epochs',
        '1',
        '--out',
        path.join(scratch, 'p2'),
        '--json',
      ]),
    );
    expectOneLineError(
      run(['train', '--dataset', 'spirals', '--model', modelFile, '--epochs', '1']),
      2,
      /--model: '.*model\.json' does not make a model: .*softerSign.* — fix the file \(activations from plugins need --plugin\)/,
    );
    const sweep = json<{ points: unknown[]; suggested: number }>(
      run([
        'lr-find',
        '--dataset',
        'spirals',
        '--plugin',
        good,
        '--activation',
        'softerSign',
        '--steps',
        '30',
        '--out',
        path.join(scratch, 'lr'),
        '--json',
      ]),
    );
    expect(sweep.points.length).toBeGreaterThan(5);
    expect(sweep.suggested).toBeGreaterThan(0);
  });

  test('bench activations --plugin measures it (apply vs autodiff), outside a checkout', () => {
    const r = json<{
      plugins: Array<{ name: string; applyMs: number; autodiffMs: number; customGradient: boolean }>;
    }>(run(['bench', 'activations', '--plugin', good, '--quick', '--json']));
    expect(r.plugins).toHaveLength(1);
    expect(r.plugins[0]).toMatchObject({ name: 'softerSign', customGradient: true });
    expect(r.plugins[0]!.applyMs).toBeGreaterThan(0);
    expect(r.plugins[0]!.autodiffMs).toBeGreaterThan(0);
    expectOneLineError(run(['bench', 'core', '--plugin', good]), 2, /--plugin measures activations/);
  });

  test('experiment activations --plugin compares it with the built-ins', () => {
    const r = json<{ results: Array<{ activation: string; testAccuracy: number }> }>(
      run([
        'experiment',
        'activations',
        '--quick',
        '--limit',
        '500',
        '--plugin',
        good,
        '--out',
        path.join(scratch, 'exp'),
        '--json',
      ]),
    );
    expect(r.results.map((row) => row.activation)).toEqual(
      expect.arrayContaining(['relu', 'tanh', 'softerSign']),
    );
  });
});
