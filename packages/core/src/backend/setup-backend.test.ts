import { execFileSync, spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { TRAINING_OP_TABLE, expectTensorsClose } from '@gradwell/test-utils';
import { describe, expect, test } from 'vitest';
import { trainingKernelsInstalled } from '../kernels/install-training-kernels';
import { MAX_THREADS, setupBackend } from './setup-backend';
import { simdKernelPoolFor, simdKernelsFlavour, xnnpackThreads } from '../kernels/simd/simd-kernels';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

describe('setupBackend', () => {
  test('defaults to wasm with SIMD and as many threads as cores (at most 8)', async () => {
    const report = await setupBackend();
    expect(report).toEqual({
      backend: 'wasm',
      simd: true,
      threads: Math.min(availableParallelism(), MAX_THREADS),
      // gradwell's kernel workers share the products and convolutions among all of them
      simdKernelThreads: Math.min(availableParallelism(), MAX_THREADS),
      // and XNNPACK's own kernels run on one (its workers' spinning would take their cores)
      xnnpackThreads: 1,
      // relaxed SIMD's fused multiply-add in the product (Node 20: V8's flag turned on by setupBackend)
      simdFlavour: 'relaxed-simd',
    });
    expect(tf.getBackend()).toBe('wasm');
    expect(trainingKernelsInstalled()).toBe(true);
  });

  test('is idempotent and switches between wasm and cpu', async () => {
    expect(await setupBackend()).toEqual(await setupBackend());
    expect(await setupBackend({ backend: 'cpu' })).toMatchObject({
      backend: 'cpu',
      simdKernelThreads: 0,
      xnnpackThreads: 0,
    });
    expect(tf.getBackend()).toBe('cpu');
    expect((await setupBackend({ backend: 'wasm' })).backend).toBe('wasm');
  });

  test('gradients work with tfjs-core alone after set-up', async () => {
    await setupBackend();
    const g = tf.grad((x: tf.Tensor) => tf.sum(tf.square(x)))(tf.tensor1d([1, 2, 3]));
    expect(Array.from(g.dataSync())).toEqual([2, 4, 6]);
  });

  test('rejects bad options with the argument named', async () => {
    await expect(setupBackend({ backend: 'webgl' as 'wasm' })).rejects.toThrow(
      "setupBackend: argument 'backend' must be one of 'wasm', 'cpu', got \"webgl\"",
    );
    await expect(setupBackend({ threads: 0 })).rejects.toThrow(
      "argument 'threads' must be a positive integer, got 0",
    );
    await expect(setupBackend({ xnnpackThreads: 1.5 })).rejects.toThrow(
      "argument 'xnnpackThreads' must be a positive integer, got 1.5",
    );
    await expect(setupBackend({ threads: 2, xnnpackThreads: 3 })).rejects.toThrow(
      "argument 'xnnpackThreads' must be an integer from 1 to threads (2), got 3",
    );
    await expect(setupBackend({ relaxedSimd: 'yes' as unknown as boolean })).rejects.toThrow(
      'argument \'relaxedSimd\' must be true or false, got "yes"',
    );
  });
});

describe('relaxed SIMD', () => {
  const [m, k, n] = [64, 300, 48];
  const aValues = Float32Array.from({ length: m * k }, (_, i) => Math.sin(i * 0.37));
  const bValues = Float32Array.from({ length: k * n }, (_, i) => Math.cos(i * 0.11));
  /** The largest distance of the wasm product from float64 sums. */
  function productError(): number {
    const got = tf.tidy(() =>
      tf.matMul(tf.tensor2d(aValues, [m, k]), tf.tensor2d(bValues, [k, n])).dataSync(),
    );
    let worst = 0;
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let p = 0; p < k; p++) sum += (aValues[i * k + p] as number) * (bValues[p * n + j] as number);
        worst = Math.max(worst, Math.abs((got[i * n + j] as number) - sum));
      }
    return worst;
  }

  test.each([1, 2])(
    'on %i thread(s): on by default, off with relaxedSimd: false and on again; the product right in both',
    async (threads) => {
      const tensors = tf.memory().numTensors;
      expect(await setupBackend({ threads })).toMatchObject({ simdFlavour: 'relaxed-simd' });
      expect(productError()).toBeLessThan(1e-3); // sums of 300 products of magnitude ≤ 1
      const plain = await setupBackend({ threads, relaxedSimd: false });
      expect(plain).toMatchObject({ simdFlavour: 'simd', simdKernelThreads: threads });
      expect(simdKernelsFlavour(tf.backend())).toBe('simd');
      expect(productError()).toBeLessThan(1e-3);
      expect(await setupBackend({ threads, relaxedSimd: false })).toEqual(plain); // idempotent
      expect(await setupBackend({ threads })).toMatchObject({
        simdFlavour: 'relaxed-simd',
        simdKernelThreads: threads,
      });
      expect(simdKernelsFlavour(tf.backend())).toBe('relaxed-simd');
      expect(tf.memory().numTensors).toBe(tensors);
    },
  );

  test("a Node started with --no-experimental-wasm-relaxed-simd keeps V8's flag off: the plain build runs", () => {
    const script = [
      "const { setupBackend } = await import('@gradwell/core');",
      'const report = await setupBackend({ threads: 1 });',
      "const probe = 'AGFzbQEAAAABBQFgAAF7AwIBAAo9ATsA/QwAAAAAAAAAAAAAAAAAAAAA/QwAAAAAAAAAAAAAAAAAAAAA/QwAAAAAAAAAAAAAAAAAAAAA/YUCCw==';",
      "console.log(JSON.stringify({ flavour: report.simdFlavour, relaxed: WebAssembly.validate(Buffer.from(probe, 'base64')) }));",
    ].join('\n');
    const output = execFileSync(
      process.execPath,
      ['--no-experimental-wasm-relaxed-simd', '--input-type=module', '-e', script],
      { cwd: repositoryRoot, timeout: 60_000, encoding: 'utf8' },
    );
    expect(JSON.parse(output.trim().split('\n').pop() as string)).toEqual({
      flavour: 'simd',
      relaxed: false,
    });
  });
});

describe('multithreaded wasm in Node', () => {
  function runOpTable(): Array<{ name: string; forward: number[]; gradients: number[][] }> {
    return TRAINING_OP_TABLE.map((row) => {
      const inputs = row.inputs();
      const indices = row.gradInputs ?? inputs.map((_, i) => i);
      const forward = tf.tidy(() => row.f(...inputs));
      const gradients =
        row.differentiable === false
          ? []
          : tf
              .grads((...xs: tf.Tensor[]) =>
                tf.sum(
                  row.f(
                    ...inputs.map((t, k) =>
                      indices.includes(k) ? (xs[indices.indexOf(k)] as tf.Tensor) : t,
                    ),
                  ),
                ),
              )(indices.map((k) => inputs[k] as tf.Tensor))
              .map((g) => {
                const values = Array.from(g.dataSync());
                g.dispose();
                return values;
              });
      const result = { name: row.name, forward: Array.from(forward.dataSync()), gradients };
      tf.dispose([forward, ...inputs]);
      return result;
    });
  }

  test('2 threads give the single-threaded results for every op of the training-op table', async () => {
    expect((await setupBackend({ threads: 2 })).threads).toBe(2);
    const threaded = runOpTable();
    expect((await setupBackend({ threads: 1 })).threads).toBe(1);
    const single = runOpTable();
    threaded.forEach((row, i) => {
      const reference = single[i] as (typeof single)[number];
      expectTensorsClose(row.forward, reference.forward, { rtol: 1e-5, atol: 1e-5 });
      row.gradients.forEach((g, k) =>
        expectTensorsClose(g, reference.gradients[k] as number[], { rtol: 1e-5, atol: 1e-5 }),
      );
    });
  });

  test('training with 2 threads reproduces the single-threaded losses for a fixed seed', async () => {
    const relu = { name: 'relu', apply: (x: tf.Tensor) => tf.relu(x), fused: 'relu' as const };
    const { Conv2d, Dense, flatten, maxPool2d, sequential, createRandom } = await import('../index');
    const losses = async (threads: number): Promise<number[]> => {
      await setupBackend({ threads });
      const model = sequential(
        [
          new Conv2d({ filters: 8, kernelSize: 3, activation: relu }),
          maxPool2d(),
          flatten(),
          new Dense({ units: 32, activation: relu }),
          new Dense({ units: 10 }),
        ],
        { inputShape: [28, 28, 1], seed: 4 },
      );
      const random = createRandom(9);
      const x = random.uniformTensor([32, 28, 28, 1]);
      const y = tf.oneHot(
        tf.tensor1d(
          Array.from({ length: 32 }, () => random.nextInt(10)),
          'int32',
        ),
        10,
      );
      const optimizer = tf.train.sgd(0.1);
      const values: number[] = [];
      for (let step = 0; step < 10; step++) {
        const loss = optimizer.minimize(
          (): tf.Scalar => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true })),
          true,
        );
        values.push(loss?.dataSync()[0] as number);
        loss?.dispose();
      }
      optimizer.dispose();
      model.dispose();
      tf.dispose([x, y]);
      return values;
    };
    const threaded = await losses(2);
    const single = await losses(1);
    expectTensorsClose(threaded, single, { rtol: 1e-4, atol: 1e-5 });
    expect(single[9] as number).toBeLessThan(single[0] as number);
  });

  test('XNNPACK runs on one thread beside the kernel workers unless asked for more; products stay direct', async () => {
    const report = await setupBackend({ threads: 2 });
    expect(report).toMatchObject({ threads: 2, simdKernelThreads: 2, xnnpackThreads: 1 });
    expect(xnnpackThreads(tf.backend())).toBe(1);
    const x = tf.randomUniform<tf.Rank.R4>([4, 12, 12, 3], -1, 1, 'float32', 1); // XNNPACK's conv (5 filters)
    const w = tf.randomUniform<tf.Rank.R4>([3, 3, 3, 5], -1, 1, 'float32', 2);
    const a = tf.randomUniform([64, 96], -1, 1, 'float32', 3);
    const compute = () =>
      tf.tidy(() => [tf.conv2d(x, w, 1, 'same'), tf.matMul(a, a, true)].map((t) => t.dataSync()));
    const onOne = compute();
    const jobs = simdKernelPoolFor(tf.backend())?.jobs;
    expect(await setupBackend({ threads: 2, xnnpackThreads: 2 })).toMatchObject({ xnnpackThreads: 2 });
    expect(xnnpackThreads(tf.backend())).toBe(2);
    const onTwo = compute();
    expect(simdKernelPoolFor(tf.backend())?.jobs).toBe(jobs); // the same pool: nothing restarted
    onTwo.forEach((values, i) => expectTensorsClose(values, onOne[i]!, { rtol: 1e-5, atol: 1e-6 }));
    expect(await setupBackend({ threads: 2, xnnpackThreads: 1 })).toMatchObject({ xnnpackThreads: 1 });
    expect(await setupBackend({ threads: 2 })).toMatchObject({ xnnpackThreads: 1 });
    tf.dispose([x, w, a]);
  });

  test('a larger XNNPACK pool than the free pthread workers allow is an error that changes nothing', () => {
    // In a child process: each larger pool takes a free worker for good (tfjs cannot destroy a pool).
    const script = [
      "const tf = await import('@tensorflow/tfjs-core');",
      "const { setupBackend } = await import('@gradwell/core');",
      'await setupBackend({ threads: 2 });',
      'let message = "";',
      'for (let i = 0; i < 20 && message === ""; i++) {',
      '  try {',
      '    await setupBackend({ threads: 2, xnnpackThreads: 2 });',
      '    await setupBackend({ threads: 2, xnnpackThreads: 1 });',
      '  } catch (error) { message = error.message; }',
      '}',
      'const report = await setupBackend({ threads: 2 });',
      'const sum = tf.add(tf.ones([300, 300]), 1).dataSync()[0];',
      'console.log(JSON.stringify({ message, xnnpackThreads: report.xnnpackThreads, sum }));',
    ].join('\n');
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: repositoryRoot,
      timeout: 60_000,
      encoding: 'utf8',
    });
    const result = JSON.parse(output.trim().split('\n').pop() as string) as Record<string, unknown>;
    expect(result.message).toMatch(/XNNPACK cannot get a pool of 2 threads: .* 0 free pthread workers/);
    expect(result).toMatchObject({ xnnpackThreads: 1, sum: 2 });
  });

  test('switching back and forth writes the pthread worker file once: one exit handler, not one a switch', async () => {
    await setupBackend({ backend: 'wasm', threads: 2 });
    const handlers = process.listenerCount('exit');
    for (let i = 0; i < 3; i++) {
      await setupBackend({ backend: 'cpu' });
      await setupBackend({ backend: 'wasm', threads: 2 });
    }
    expect(process.listenerCount('exit')).toBe(handlers);
    await setupBackend({ backend: 'wasm', threads: 1 });
  });

  test('a process that used 2 threads exits on its own, and its temporary files are gone', () => {
    // The child gets a private temporary folder, so other test processes' files cannot interfere.
    const privateTmp = mkdtempSync(path.join(tmpdir(), 'gradwell-exit-test-'));
    const script = [
      "const tf = await import('@tensorflow/tfjs-core');",
      "const { setupBackend } = await import('@gradwell/core');",
      'const report = await setupBackend({ threads: 2 });',
      // a larger XNNPACK pool after set-up starts a pthread, which must not hold the process either
      'await setupBackend({ threads: 2, xnnpackThreads: 2 });',
      'tf.add(tf.ones([512, 512]), 1).dataSync();',
      'const y = tf.matMul(tf.ones([256, 256]), tf.ones([256, 256]));',
      'console.log(JSON.stringify({ threads: report.threads, value: y.dataSync()[0] }));',
    ].join('\n');
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: repositoryRoot,
      timeout: 60_000,
      encoding: 'utf8',
      env: { ...process.env, TMPDIR: privateTmp },
    });
    expect(JSON.parse(output.trim().split('\n').pop() as string)).toEqual({ threads: 2, value: 256 });
    expect(readdirSync(privateTmp)).toEqual([]);
  });

  test.each([
    ['an uncaught error', "throw new Error('boom from the program');"],
    ['an unhandled rejection', "void Promise.reject(new Error('boom from the program'));"],
  ])(
    'after set-up with threads, %s prints as Node prints it (message and stack, exit 1), not the wasm module',
    (_kind, failure) => {
      const script = [
        "const { setupBackend } = await import('@gradwell/core');",
        'await setupBackend({ threads: 2 });',
        failure,
      ].join('\n');
      const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
        cwd: repositoryRoot,
        timeout: 60_000,
        encoding: 'utf8',
      });
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('Error: boom from the program');
      expect(result.stderr).toMatch(/\n\s+at /);
      expect(result.stderr.length).toBeLessThan(4000);
    },
  );
});
