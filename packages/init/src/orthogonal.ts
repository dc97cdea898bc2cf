/**
 * Orthogonal initialisation (Saxe et al. 2014): the weight, flattened to [rows, cols] (all axes but the
 * last × the last), has orthonormal columns (or rows, when there are fewer rows), times `gain`. Drawn
 * as the Q of a QR decomposition of a standard normal matrix, with the signs of R's diagonal folded in
 * so that Q is uniformly (Haar) distributed (Mezzadri 2007). The QR runs once per weight at init time,
 * in float64 Householder form, on the CPU.
 */
import { eye, mul, tensor } from '@tensorflow/tfjs-core';
import {
  assertInRange,
  assertNonNegativeInteger,
  GradwellArgumentError,
  type RandomSource,
} from '@gradwell/core';
import { checkOptions, makeInitializer, type GradwellInitializer } from './initializer';

/** Q (rows × cols, rows ≥ cols) with orthonormal columns, from a rows × cols matrix `a` (row-major). */
export function orthonormalColumns(a: Float64Array, rows: number, cols: number): Float64Array {
  const context = 'orthonormalColumns';
  // No columns is an empty Q (a weight with a zero dimension): fine; a negative or fractional size is not.
  assertNonNegativeInteger(context, 'cols', cols);
  assertNonNegativeInteger(context, 'rows', rows);
  if (rows < cols)
    throw new GradwellArgumentError(context, 'rows', `at least cols = ${cols} (a tall matrix)`, rows);
  if (!(a instanceof Float64Array) || a.length !== rows * cols)
    throw new GradwellArgumentError(context, 'a', `a Float64Array of rows × cols = ${rows * cols} values`, a);
  const bad = a.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new GradwellArgumentError(context, 'a', 'finite values', `${a[bad]} at index ${bad}`);
  const r = Float64Array.from(a);
  const q = new Float64Array(rows * cols);
  const reflectors: Float64Array[] = [];
  const signs = new Float64Array(cols);
  for (let k = 0; k < cols; k++) {
    const v = new Float64Array(rows);
    let norm = 0;
    for (let i = k; i < rows; i++) norm += (r[i * cols + k] as number) ** 2;
    norm = Math.sqrt(norm);
    const pivot = r[k * cols + k] as number;
    const alpha = pivot >= 0 ? -norm : norm;
    signs[k] = alpha >= 0 ? 1 : -1; // sign of R[k][k] = alpha
    for (let i = k; i < rows; i++) v[i] = r[i * cols + k] as number;
    v[k] = (v[k] as number) - alpha;
    let vNorm = 0;
    for (let i = k; i < rows; i++) vNorm += (v[i] as number) ** 2;
    if (vNorm > 0) {
      for (let j = k; j < cols; j++) {
        let dot = 0;
        for (let i = k; i < rows; i++) dot += (v[i] as number) * (r[i * cols + j] as number);
        const factor = (2 * dot) / vNorm;
        for (let i = k; i < rows; i++)
          r[i * cols + j] = (r[i * cols + j] as number) - factor * (v[i] as number);
      }
    }
    reflectors.push(v);
  }
  // Q = H_0 H_1 … H_{cols−1} applied to the first `cols` columns of the identity, in reverse order.
  const full = new Float64Array(rows * cols);
  for (let i = 0; i < cols; i++) full[i * cols + i] = 1;
  for (let k = cols - 1; k >= 0; k--) {
    const v = reflectors[k] as Float64Array;
    let vNorm = 0;
    for (let i = k; i < rows; i++) vNorm += (v[i] as number) ** 2;
    if (vNorm === 0) continue;
    for (let j = 0; j < cols; j++) {
      let dot = 0;
      for (let i = k; i < rows; i++) dot += (v[i] as number) * (full[i * cols + j] as number);
      const factor = (2 * dot) / vNorm;
      for (let i = k; i < rows; i++)
        full[i * cols + j] = (full[i * cols + j] as number) - factor * (v[i] as number);
    }
  }
  // Fold in sign(R_kk) so the distribution of Q is uniform.
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) q[i * cols + j] = (full[i * cols + j] as number) * (signs[j] as number);
  return q;
}

function sampleOrthogonal(shape: number[], random: RandomSource, gain: number): Float32Array {
  if (shape.length < 2) throw new GradwellArgumentError('orthogonal', 'shape', 'of rank 2 or more', shape);
  const cols = shape[shape.length - 1] as number;
  const rows = shape.slice(0, -1).reduce((p, d) => p * d, 1);
  const tall = rows >= cols;
  const [m, n] = tall ? [rows, cols] : [cols, rows];
  const gaussian = Float64Array.from({ length: m * n }, () => random.normal());
  const q = orthonormalColumns(gaussian, m, n);
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++)
      out[i * cols + j] = gain * ((tall ? q[i * n + j] : q[j * n + i]) as number);
  }
  return out;
}

/** An orthogonal matrix (or tensor flattened to one), times `gain` (default 1). */
export function orthogonal(options: { gain?: number } = {}): GradwellInitializer {
  checkOptions('orthogonal', options, ['gain']);
  const { gain = 1 } = options;
  assertInRange('orthogonal', 'gain', gain, { min: 0, minInclusive: false });
  return makeInitializer('orthogonal', { gain }, (shape, random) =>
    tensor(sampleOrthogonal(shape, random, gain), shape),
  );
}

/** gain × the identity matrix (square 2-D weights only): each unit starts as a copy of one input. */
export function identity(options: { gain?: number } = {}): GradwellInitializer {
  checkOptions('identity', options, ['gain']);
  const { gain = 1 } = options;
  assertInRange('identity', 'gain', gain, { min: 0, minInclusive: false });
  return makeInitializer('identity', { gain }, (shape) => {
    if (shape.length !== 2 || shape[0] !== shape[1]) {
      throw new GradwellArgumentError('identity', 'shape', 'a square 2-D shape', shape);
    }
    return mul(eye(shape[0] as number), gain);
  });
}
