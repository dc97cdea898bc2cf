/** Gradient clipping by global norm (Pascanu et al. 2013). */
import { addN, mul, sqrt, square, sum, tidy, type Scalar, type Tensor } from '@tensorflow/tfjs-core';
import { assertInRange, assertTensor, GradwellArgumentError } from '@gradwell/core';

/**
 * Scales every gradient by min(1, maxNorm/‖g‖) where ‖g‖ is the norm of all gradients together
 * (Pascanu et al. 2013): the direction is kept, only the step length is capped. Returns the clipped
 * gradients (new tensors) and the norm before clipping.
 */
export function clipByGlobalNorm(
  gradients: readonly Tensor[],
  maxNorm: number,
): { clipped: Tensor[]; globalNorm: Scalar } {
  assertInRange('clipByGlobalNorm', 'maxNorm', maxNorm, { min: 0, minInclusive: false });
  checkGradients('clipByGlobalNorm', 'gradients', gradients);
  return tidy(() => {
    const globalNorm = normOf(gradients);
    const norm = globalNorm.dataSync()[0] as number;
    const factor = norm > maxNorm ? maxNorm / norm : 1;
    const clipped = gradients.map((g) => (factor === 1 ? g.clone() : mul(g, factor)));
    return { clipped, globalNorm };
  });
}

function checkGradients(context: string, argument: string, tensors: readonly Tensor[]): void {
  const given: unknown = tensors;
  if (!Array.isArray(given) || given.length === 0)
    throw new GradwellArgumentError(context, argument, 'a non-empty list of tensors', tensors);
  tensors.forEach((g, i) => assertTensor(context, `${argument}[${i}]`, g, { dtypes: ['float32'] }));
}

/** ‖g‖ over several tensors: √Σᵢ Σ gᵢ². */
export function globalNormOf(tensors: readonly Tensor[]): Scalar {
  checkGradients('globalNormOf', 'tensors', tensors);
  return normOf(tensors);
}

// the tensors checked by the caller (clipByGlobalNorm checks them once per step, not twice)
const normOf = (tensors: readonly Tensor[]): Scalar =>
  tidy(() => sqrt(addN(tensors.map((t) => sum(square(t))))) as Scalar);
