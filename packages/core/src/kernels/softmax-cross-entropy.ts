/**
 * Softmax cross-entropy from logits as two kernels on the wasm and cpu backends: the per-example losses
 * (`GradwellSoftmaxCrossEntropy`) and their gradient with respect to the logits
 * (`GradwellSoftmaxCrossEntropyGrad`), each one loop over the values in float64. Under a gradient tape,
 * tfjs's composition `neg(sum(mul(labels, logSoftmax(logits)), 1))` is about 25 kernel calls a step, and
 * for a classifier's [batch, classes] logits their dispatch is the cost: the benchmark MLP's 128 × 10
 * logits, forward and backward, took 0.57–1.09 ms through it and 0.33–0.57 through these kernels on
 * the 2-vCPU VM (`bench/softmax-ce-ab.mjs`). For larger logits the composition's kernels are faster
 * than a loop of `Math.exp` (already at 128 × 64), so the op (gradients/softmax-cross-entropy.ts) calls
 * these up to LOOP_VALUES.
 *
 * Per row, with m = max_j z_j and lse = m + log Σ_j exp(z_j − m):
 *   loss = Σ_j y_j (lse − z_j),   d loss / d z_j = dy · (exp(z_j − lse) · Σ_j y_j − y_j).
 * A NaN among a row's logits or labels makes its loss and gradient NaN, as in the composition.
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { makeOutput } from './backend-values';
import type { KernelArgs } from './kernel-calls';

/** Inputs `labels` and `logits` (float32, one shape [n, k]) → the per-example losses [n]. */
export const SOFTMAX_CROSS_ENTROPY = 'GradwellSoftmaxCrossEntropy';

/** Inputs `dy` ([n]), `labels` and `logits` ([n, k], float32) → the gradient of the logits [n, k]. */
export const SOFTMAX_CROSS_ENTROPY_GRAD = 'GradwellSoftmaxCrossEntropyGrad';

/**
 * Logits' values up to which the op takes these kernels: forward and backward through them against tfjs's
 * composition, one thread, twice each: [128, 32] 0.62–0.63 ms against 0.74–0.79, [64, 64] 0.51–0.53
 * against 0.47–0.52, [128, 64] 0.74–0.93 against 0.67–0.79.
 */
export const LOOP_VALUES = 1 << 12;

type Values = ArrayLike<number> & { [i: number]: number };

/** log Σ_j exp(z_j) over the k values of z from `row`, shifted by their max; NaN if one is NaN. */
function logSumExp(z: ArrayLike<number>, row: number, k: number): number {
  let max = -Infinity;
  for (let j = row; j < row + k; j++) {
    const v = z[j] as number;
    if (v > max || Number.isNaN(v)) max = v;
  }
  if (max === -Infinity || max === Infinity) return max; // (every logit −∞; one +∞: exp(∞ − ∞) is NaN)
  let sum = 0;
  for (let j = row; j < row + k; j++) sum += Math.exp((z[j] as number) - max);
  return max + Math.log(sum);
}

function lossLoop(out: Values, y: ArrayLike<number>, z: ArrayLike<number>, k: number): void {
  for (let i = 0; i < out.length; i++) {
    const row = i * k;
    const lse = logSumExp(z, row, k);
    let loss = 0;
    for (let j = row; j < row + k; j++) loss += (y[j] as number) * (lse - (z[j] as number));
    out[i] = loss;
  }
}

function gradLoop(out: Values, dy: ArrayLike<number>, y: ArrayLike<number>, z: ArrayLike<number>, k: number) {
  for (let i = 0; i < dy.length; i++) {
    const row = i * k;
    const lse = logSumExp(z, row, k);
    let total = 0;
    for (let j = row; j < row + k; j++) total += y[j] as number;
    const d = dy[i] as number;
    for (let j = row; j < row + k; j++)
      out[j] = d * (Math.exp((z[j] as number) - lse) * total - (y[j] as number));
  }
}

function checkInputs(kernel: string, labels: TensorInfo, logits: TensorInfo): [number, number] {
  const same = labels.shape.length === 2 && labels.shape.every((d, i) => d === logits.shape[i]);
  if (labels.dtype !== 'float32' || logits.dtype !== 'float32' || logits.shape.length !== 2 || !same)
    throw new Error(
      `${kernel}: labels and logits must be float32 of one shape [n, k]; got ${labels.dtype} ` +
        `[${labels.shape.join(', ')}] and ${logits.dtype} [${logits.shape.join(', ')}].`,
    );
  return logits.shape as [number, number];
}

function lossKernel({ inputs, backend }: KernelArgs): TensorInfo {
  const { labels, logits } = inputs as { labels: TensorInfo; logits: TensorInfo };
  const [n, k] = checkInputs(SOFTMAX_CROSS_ENTROPY, labels, logits);
  return makeOutput(backend, [n], 'float32', [labels, logits], (out, y, z) => lossLoop(out, y, z, k));
}

function gradKernel({ inputs, backend }: KernelArgs): TensorInfo {
  const { dy, labels, logits } = inputs as { dy: TensorInfo; labels: TensorInfo; logits: TensorInfo };
  const [n, k] = checkInputs(SOFTMAX_CROSS_ENTROPY_GRAD, labels, logits);
  if (dy.dtype !== 'float32' || dy.shape.length !== 1 || dy.shape[0] !== n)
    throw new Error(
      `${SOFTMAX_CROSS_ENTROPY_GRAD}: dy must be float32 of shape [${n}]; got ${dy.dtype} [${dy.shape.join(', ')}].`,
    );
  return makeOutput(backend, [n, k], 'float32', [dy, labels, logits], (out, d, y, z) =>
    gradLoop(out, d, y, z, k),
  );
}

/** The two kernels for the wasm and the cpu backend. */
export const softmaxCrossEntropyConfigs: KernelConfig[] = ['wasm', 'cpu'].flatMap((backendName) => [
  { kernelName: SOFTMAX_CROSS_ENTROPY, backendName, kernelFunc: lossKernel as unknown as KernelFunc },
  { kernelName: SOFTMAX_CROSS_ENTROPY_GRAD, backendName, kernelFunc: gradKernel as unknown as KernelFunc },
]);
