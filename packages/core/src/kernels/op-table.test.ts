/**
 * The training-op table: every row must run forward and backward on wasm, match the cpu backend, and
 * match central differences. A regression in any kernel gradwell installs (or in tfjs) fails its row.
 * The table runs on one thread (where gradwell's SIMD products replace XNNPACK's) and on two.
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  expectTensorsClose,
  findGradientMismatches,
  TRAINING_OP_TABLE,
  type TrainingOpRow,
} from '@gradwell/test-utils';
import { beforeAll, describe, expect, test } from 'vitest';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { setupBackend } from '../index';

interface Evaluation {
  forward: Float32Array | Int32Array | Uint8Array;
  shape: number[];
  gradients: Array<Float32Array | Int32Array | Uint8Array>;
}

function gradIndices(row: TrainingOpRow, count: number): number[] {
  return row.gradInputs ?? Array.from({ length: count }, (_, i) => i);
}

/** f restricted to the differentiated inputs (integer inputs such as indices stay fixed). */
function restricted(row: TrainingOpRow, inputs: tf.Tensor[]): (...xs: tf.Tensor[]) => tf.Tensor {
  const indices = gradIndices(row, inputs.length);
  return (...xs) =>
    row.f(...inputs.map((input, k) => (indices.includes(k) ? (xs[indices.indexOf(k)] as tf.Tensor) : input)));
}

async function evaluate(row: TrainingOpRow, backend: 'wasm' | 'cpu', threads = 1): Promise<Evaluation> {
  await setupBackend(backend === 'wasm' ? { backend, threads } : { backend });
  const inputs = row.inputs();
  const out = tf.tidy(() => row.f(...inputs));
  const evaluation: Evaluation = { forward: out.dataSync().slice(), shape: out.shape, gradients: [] };
  if (row.differentiable !== false) {
    const weights = tf.tidy(() => tf.reshape(tf.linspace(-1, 1, out.size), out.shape));
    const f = restricted(row, inputs);
    const selected = gradIndices(row, inputs.length).map((k) => inputs[k] as tf.Tensor);
    const gradients = tf.grads((...xs: tf.Tensor[]) => tf.sum(tf.mul(f(...xs), weights)))(selected);
    evaluation.gradients = gradients.map((g) => g.dataSync().slice());
    tf.dispose([weights, ...gradients]);
  }
  tf.dispose([out, ...inputs]);
  return evaluation;
}

describe.each([1, 2])('training op table, %i thread(s)', (threads) => {
  beforeAll(async () => {
    await setupBackend({ backend: 'wasm', threads });
  });

  test.each(TRAINING_OP_TABLE.map((row) => [row.name, row] as const))('%s', async (_name, row) => {
    const before = tf.memory().numTensors;
    const onCpu = await evaluate(row, 'cpu');
    const onWasm = await evaluate(row, 'wasm', threads);
    expect(getThreadsCount()).toBe(threads);
    const tolerance = { rtol: row.rtol ?? 1e-4, atol: row.atol ?? 1e-4 };

    // forward ok, and equal to cpu
    expect(onWasm.shape).toEqual(onCpu.shape);
    expect(Array.from(onWasm.forward).every(Number.isFinite)).toBe(true);
    expectTensorsClose(onWasm.forward, onCpu.forward, tolerance);

    if (row.differentiable !== false) {
      // gradient ok on wasm, equal to cpu
      expect(onWasm.gradients.length).toBe(onCpu.gradients.length);
      onWasm.gradients.forEach((g, i) =>
        expectTensorsClose(g, onCpu.gradients[i] as Float32Array, tolerance),
      );
      // gradient equal to central differences (on wasm)
      const inputs = row.inputs();
      const selected = gradIndices(row, inputs.length).map((k) => inputs[k] as tf.Tensor);
      const mismatches = findGradientMismatches(restricted(row, inputs), selected, {
        epsilon: row.epsilon ?? 1e-2,
      });
      tf.dispose(inputs);
      expect(mismatches).toEqual([]);
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
