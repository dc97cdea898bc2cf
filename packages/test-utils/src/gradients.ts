/**
 * Numerical gradient checking by central differences. The scalar objective is a fixed random
 * projection of the function's output, Σ rᵢ·f(x)ᵢ, accumulated in float64 in JS so that the finite
 * difference is not lost in float32 rounding of the sum.
 */
import {
  grads,
  mul,
  sum,
  tensor,
  tidy,
  variableGrads,
  type Scalar,
  type Tensor,
  type Variable,
} from '@tensorflow/tfjs-core';
import { createRandom } from '@gradwell/core';

export interface GradientCheckOptions {
  /** Step h (relative to max(1, |x|)); default 1e-2. */
  epsilon?: number;
  /** Relative tolerance; default 2e-2. */
  rtol?: number;
  /** Absolute tolerance; default 2e-3. */
  atol?: number;
  /** Coordinates checked per input (spread evenly over the flat index); default 32. */
  maxCoordinates?: number;
  /** Seed of the output projection; default 7. */
  seed?: number;
}

export interface GradientMismatch {
  input: number;
  index: number;
  analytic: number;
  numeric: number;
}

function projection(f: (...xs: Tensor[]) => Tensor, inputs: Tensor[], weights: Float64Array): number {
  const out = tidy(() => f(...inputs));
  const values = out.dataSync();
  out.dispose();
  let total = 0;
  for (let i = 0; i < values.length; i++) total += (weights[i] as number) * (values[i] as number);
  return total;
}

type Tolerances = Required<Pick<GradientCheckOptions, 'epsilon' | 'rtol' | 'atol' | 'maxCoordinates'>>;

/**
 * Central differences of `objectiveAt(values)` at up to `maxCoordinates` evenly spread coordinates of `base`
 * (each evaluated on a copy of `base` with one coordinate moved by ±h), compared with `analytic`.
 */
function compareCoordinates(
  input: number,
  base: Float32Array,
  analytic: ArrayLike<number>,
  objectiveAt: (values: Float32Array) => number,
  { epsilon, rtol, atol, maxCoordinates }: Tolerances,
): GradientMismatch[] {
  const mismatches: GradientMismatch[] = [];
  const count = Math.min(maxCoordinates, base.length);
  for (let c = 0; c < count; c++) {
    const index = Math.floor((c * base.length) / count);
    const h = epsilon * Math.max(1, Math.abs(base[index] as number));
    const at = (delta: number): number => {
      const shifted = base.slice();
      shifted[index] = (base[index] as number) + delta;
      return objectiveAt(shifted);
    };
    const numeric = (at(h) - at(-h)) / (2 * h);
    const a = analytic[index] as number;
    if (!(Math.abs(a - numeric) <= atol + rtol * Math.max(Math.abs(a), Math.abs(numeric)))) {
      mismatches.push({ input, index, analytic: a, numeric });
    }
  }
  return mismatches;
}

/** Returns the coordinates where analytic and numerical gradients disagree (empty when they agree). */
export function findGradientMismatches(
  f: (...xs: Tensor[]) => Tensor,
  inputs: Tensor[],
  options: GradientCheckOptions = {},
): GradientMismatch[] {
  const { epsilon = 1e-2, rtol = 2e-2, atol = 2e-3, maxCoordinates = 32, seed = 7 } = options;
  const probe = tidy(() => f(...inputs));
  const outShape = probe.shape;
  probe.dispose();
  const random = createRandom(seed);
  const weights = Float64Array.from({ length: outShape.reduce((a, b) => a * b, 1) }, () =>
    random.uniform(-1, 1),
  );
  const weightTensor = tensor(Float32Array.from(weights), outShape);
  const analyticTensors = grads((...xs: Tensor[]) => sum(mul(f(...xs), weightTensor)))(inputs);
  const analytic = analyticTensors.map((g) => g.dataSync().slice());
  analyticTensors.forEach((g) => g.dispose());
  weightTensor.dispose();

  return inputs.flatMap((x, k) =>
    compareCoordinates(
      k,
      Float32Array.from(x.dataSync()),
      analytic[k] as ArrayLike<number>,
      (values) => {
        const moved = tensor(values, x.shape, x.dtype);
        const value = projection(
          f,
          inputs.map((t, j) => (j === k ? moved : t)),
          weights,
        );
        moved.dispose();
        return value;
      },
      { epsilon, rtol, atol, maxCoordinates },
    ),
  );
}

/** Throws, listing the first mismatches, when the gradients of `f` disagree with central differences. */
export function expectGradientsMatchNumeric(
  f: (...xs: Tensor[]) => Tensor,
  inputs: Tensor[],
  options: GradientCheckOptions = {},
): void {
  let mismatches: GradientMismatch[] = [];
  tidy(() => {
    mismatches = findGradientMismatches(f, inputs, options);
  });
  if (mismatches.length > 0) {
    const shown = mismatches
      .slice(0, 5)
      .map((m) => `input ${m.input}[${m.index}]: analytic ${m.analytic}, numeric ${m.numeric}`)
      .join('; ');
    throw new Error(
      `gradient differs from central differences at ${mismatches.length} coordinate(s): ${shown}`,
    );
  }
}

/**
 * Like {@link findGradientMismatches}, for a scalar loss of variables (layer weights): analytic
 * gradients from `tf.variableGrads`, numeric ones by perturbing each checked element in place (the
 * variables are restored afterwards).
 */
export function findVariableGradientMismatches(
  loss: () => Tensor,
  variables: Variable[],
  options: Omit<GradientCheckOptions, 'seed'> = {},
): GradientMismatch[] {
  const { epsilon = 1e-2, rtol = 2e-2, atol = 2e-3, maxCoordinates = 32 } = options;
  const evaluate = (): number => {
    const value = tidy(() => loss());
    const result = value.dataSync()[0] as number;
    value.dispose();
    return result;
  };
  const { value, grads } = variableGrads(() => loss() as Scalar, variables);
  value.dispose();
  const assign = (variable: Variable, values: Float32Array): void => {
    const value = tensor(values, variable.shape);
    variable.assign(value);
    value.dispose();
  };
  const mismatches = variables.flatMap((variable, k) => {
    const gradient = grads[variable.name];
    const analytic = gradient === undefined ? new Float32Array(variable.size) : gradient.dataSync();
    const base = Float32Array.from(variable.dataSync());
    const found = compareCoordinates(
      k,
      base,
      analytic,
      (values) => {
        assign(variable, values);
        return evaluate();
      },
      { epsilon, rtol, atol, maxCoordinates },
    );
    assign(variable, base);
    return found;
  });
  Object.values(grads).forEach((g) => g.dispose());
  return mismatches;
}
