/**
 * The conformance suite any activation plugin — built-in or a contributor's — must pass:
 *
 * 1. contract: spec version, camelCase name, metadata (gain, recommended initialiser, range);
 * 2. forward: finite and shape-preserving on a grid over [−6, 6];
 * 3. derivative: equals central differences of the forward away from kinks (the diagonal for
 *    softmax-like functions);
 * 4. gradient: autodiff through `apply` equals `derivative` (elementwise) and equals autodiff through
 *    the forward's own ops;
 * 5. NaN in → NaN out;
 * 6. no tensor leaks from apply, derivative or the gradient;
 * 7. bad options are refused with an error naming them;
 * 8. all of the above on every backend asked for (wasm and cpu), with the same values on each.
 */
import * as tf from '@tensorflow/tfjs-core';
import { setupBackend, type BackendName } from '@gradwell/core';
import {
  ACTIVATION_PLUGIN_SPEC_VERSION,
  type Activation,
  type ActivationOptions,
  type ActivationPlugin,
} from '../define-activation';

export interface ConformanceCheck {
  backend: BackendName | 'any';
  name: string;
  passed: boolean;
  detail?: string;
}

export interface ConformanceReport {
  plugin: string;
  passed: boolean;
  checks: ConformanceCheck[];
}

export interface CheckActivationOptions {
  /** Options to create the activation with (default: its defaults). */
  options?: ActivationOptions;
  /** Default ['wasm', 'cpu']. */
  backends?: readonly BackendName[];
  /** Throw an Error listing the failed checks (default true). */
  throwOnFailure?: boolean;
}

const GRID = Array.from({ length: 241 }, (_, i) => -6 + i * 0.05);
const STEP = 5e-3;

/** Grid points at least 4 steps from every kink (and from where the forward is not smooth). */
function smoothPoints(activation: Activation): number[] {
  return GRID.filter((x) => activation.kinks.every((k) => Math.abs(x - k) > 4 * STEP));
}

function readAndDispose(t: tf.Tensor): Float32Array {
  const values = t.dataSync() as Float32Array;
  t.dispose();
  return values;
}

function worstMismatch(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  atol: number,
  rtol: number,
): string | undefined {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    if (!(Math.abs(x - y) <= atol + rtol * Math.abs(y))) return `at index ${i}: ${x} vs ${y}`;
  }
  return undefined;
}

function checksOnBackend(
  activation: Activation,
  backend: BackendName,
): { checks: ConformanceCheck[]; values: Float32Array } {
  const checks: ConformanceCheck[] = [];
  const add = (name: string, detail: string | undefined) =>
    checks.push({ backend, name, passed: detail === undefined, ...(detail ? { detail } : {}) });
  const before = tf.memory().numTensors;

  // 2. forward finite and shape-preserving (as a [rows, cols] batch, which softmax reduces per row).
  const grid = tf.tensor2d(GRID, [1, GRID.length]);
  const out = activation.apply(grid);
  const shapeOk = out.shape.join() === grid.shape.join();
  const values = readAndDispose(out);
  add(
    'forward is finite and shape-preserving',
    !shapeOk
      ? `shape [${grid.shape.join()}] became another shape`
      : values.every(Number.isFinite)
        ? undefined
        : 'non-finite output on [−6, 6]',
  );

  // 3. derivative vs central differences.
  const points = smoothPoints(activation);
  const x = tf.tensor2d(points, activation.elementwise ? [1, points.length] : [points.length, 1]);
  const analytic = readAndDispose(activation.derivative(x));
  let numeric: Float64Array;
  if (activation.elementwise) {
    const plus = readAndDispose(tf.tidy(() => activation.forward(tf.add(x, STEP))));
    const minus = readAndDispose(tf.tidy(() => activation.forward(tf.sub(x, STEP))));
    numeric = Float64Array.from(plus, (p, i) => (p - (minus[i] as number)) / (2 * STEP));
    add('derivative equals central differences', worstMismatch(analytic, numeric, 2e-3, 2e-3));
  } else {
    // Non-elementwise: the diagonal ∂yᵢ/∂xᵢ on rows of a random-ish matrix.
    const rows = tf.tensor2d(GRID.slice(0, 60), [6, 10]);
    const diagonal = readAndDispose(activation.derivative(rows));
    const base = rows.dataSync();
    const estimate = new Float64Array(base.length);
    for (let i = 0; i < base.length; i++) {
      const shifted = (delta: number) => {
        const copy = Float32Array.from(base);
        copy[i] = (copy[i] as number) + delta;
        return readAndDispose(tf.tidy(() => activation.forward(tf.tensor2d(copy, [6, 10]))))[i] as number;
      };
      estimate[i] = (shifted(STEP) - shifted(-STEP)) / (2 * STEP);
    }
    rows.dispose();
    add(
      'derivative (Jacobian diagonal) equals central differences',
      worstMismatch(diagonal, estimate, 2e-3, 2e-3),
    );
  }

  // 4. gradient through apply equals derivative, and autodiff through the forward.
  const weights = tf.tidy(() => tf.reshape(tf.linspace(-1, 1, x.size), x.shape));
  const throughApply = readAndDispose(
    tf.grad((t: tf.Tensor) => tf.sum(tf.mul(activation.apply(t), weights)))(x),
  );
  const throughForward = readAndDispose(
    tf.grad((t: tf.Tensor) => tf.sum(tf.mul(activation.forward(t), weights)))(x),
  );
  add(
    'gradient through apply equals autodiff through the forward',
    worstMismatch(throughApply, throughForward, 1e-4, 1e-4),
  );
  if (activation.elementwise) {
    const ones = readAndDispose(tf.grad((t: tf.Tensor) => tf.sum(activation.apply(t)))(x));
    add('gradient through apply equals derivative', worstMismatch(ones, analytic, 1e-5, 1e-5));
  }
  tf.dispose([x, weights]);

  // 5. NaN in → NaN out.
  const nan = tf.tensor2d([Number.NaN, 1], [1, 2]);
  const nanOut = readAndDispose(activation.apply(nan));
  nan.dispose();
  add('NaN in gives NaN out', Number.isNaN(nanOut[0]) ? undefined : `f(NaN) = ${nanOut[0]}`);

  // 6. no leaks (everything above disposed what it made).
  grid.dispose();
  const after = tf.memory().numTensors;
  add('no tensor leaks', after === before ? undefined : `${after - before} tensor(s) left behind`);
  return { checks, values };
}

/** Runs the conformance suite; returns the report (and, by default, throws if any check failed). */
export async function checkActivation(
  plugin: ActivationPlugin,
  options: CheckActivationOptions = {},
): Promise<ConformanceReport> {
  const { backends = ['wasm', 'cpu'], throwOnFailure = true } = options;
  const checks: ConformanceCheck[] = [];
  const add = (name: string, detail: string | undefined) =>
    checks.push({ backend: 'any', name, passed: detail === undefined, ...(detail ? { detail } : {}) });

  // 1. contract.
  add(
    'implements the current plugin contract',
    plugin.specVersion === ACTIVATION_PLUGIN_SPEC_VERSION
      ? undefined
      : `specVersion ${String(plugin.specVersion)}`,
  );
  add(
    'has a camelCase name',
    /^[a-z][a-zA-Z0-9]*$/.test(plugin.name) ? undefined : JSON.stringify(plugin.name),
  );
  let activation: Activation | undefined;
  try {
    activation = plugin.create(options.options);
  } catch (error) {
    add('creates with its options', (error as Error).message);
  }
  // 7. bad options.
  try {
    plugin.create({ notAnOption: 1 });
    add('refuses an unknown option', 'create({ notAnOption: 1 }) did not throw');
  } catch (error) {
    add(
      'refuses an unknown option',
      /notAnOption/.test((error as Error).message)
        ? undefined
        : `the error does not name the option: ${(error as Error).message}`,
    );
  }
  if (activation !== undefined) {
    const a = activation;
    add(
      'has metadata',
      Number.isFinite(a.gain) &&
        a.gain > 0 &&
        a.range[0] < a.range[1] &&
        ['glorotUniform', 'heNormal', 'lecunNormal'].includes(a.recommendedInit)
        ? undefined
        : 'gain, range or recommendedInit missing or invalid',
    );
    const perBackend: Float32Array[] = [];
    for (const backend of backends) {
      await setupBackend({ backend });
      const result = checksOnBackend(a, backend);
      checks.push(...result.checks);
      perBackend.push(result.values);
    }
    if (perBackend.length > 1) {
      const [first, ...rest] = perBackend as [Float32Array, ...Float32Array[]];
      add(
        'same values on every backend',
        rest.map((v) => worstMismatch(v, first, 1e-5, 1e-5)).find((d) => d !== undefined),
      );
    }
  }
  const report: ConformanceReport = { plugin: plugin.name, passed: checks.every((c) => c.passed), checks };
  if (!report.passed && throwOnFailure) {
    const failed = checks
      .filter((c) => !c.passed)
      .map((c) => `  - [${c.backend}] ${c.name}: ${c.detail ?? 'failed'}`);
    throw new Error(
      `activation '${plugin.name}' fails ${failed.length} conformance check(s):\n${failed.join('\n')}`,
    );
  }
  return report;
}
