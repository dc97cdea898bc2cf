/**
 * Penalising confident output distributions (Pereyra et al. 2017): subtract β·H(p) from the loss, with
 * H(p) = −Σ p·log p the entropy of softmax(logits), so the model is pushed away from over-confident
 * (low-entropy) predictions. The hinged variant only penalises entropies below a threshold Γ:
 * β·max(0, Γ − H(p)).
 */
import {
  exp,
  logSoftmax,
  mean,
  mul,
  neg,
  relu,
  sub,
  sum,
  tidy,
  type Scalar,
  type Tensor,
} from '@tensorflow/tfjs-core';
import { assertInRange, assertRequiredOptions, assertTensor, GradwellArgumentError } from '@gradwell/core';

/** Entropy of softmax(logits) per example, in nats. */
export function softmaxEntropy(logits: Tensor): Tensor {
  assertTensor('softmaxEntropy', 'logits', logits, { dtypes: ['float32'] });
  if (logits.rank < 1 || logits.shape[logits.rank - 1] === 0)
    throw new GradwellArgumentError('softmaxEntropy', 'logits', 'rows of at least one class', logits);
  return tidy(() => {
    const logP = logSoftmax(logits);
    return neg(sum(mul(exp(logP), logP), -1));
  });
}

export interface ConfidencePenaltyOptions {
  /** β, the penalty's weight. */
  beta: number;
  /** Γ: with it, only entropies below Γ are penalised (the hinge). */
  threshold?: number;
}

/** The term to ADD to the loss: −β·mean H(p), or β·mean max(0, Γ − H(p)) when hinged. */
export function confidencePenalty(logits: Tensor, options: ConfidencePenaltyOptions): Scalar {
  assertRequiredOptions('confidencePenalty', options, ['beta', 'threshold']);
  const { beta, threshold } = options;
  assertTensor('confidencePenalty', 'logits', logits, { ranks: [2], dtypes: ['float32'] });
  if (logits.shape[0] === 0)
    throw new GradwellArgumentError('confidencePenalty', 'logits', 'a batch of at least one row', logits);
  assertInRange('confidencePenalty', 'beta', beta, { min: 0 });
  if (threshold !== undefined) assertInRange('confidencePenalty', 'threshold', threshold, { min: 0 });
  return tidy(() => {
    const entropy = softmaxEntropy(logits);
    const term = threshold === undefined ? neg(entropy) : relu(sub(threshold, entropy));
    return mul<Scalar>(beta, mean(term));
  });
}
