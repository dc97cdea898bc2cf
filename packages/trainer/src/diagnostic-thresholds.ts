/**
 * The thresholds of the diagnostics' flags, their defaults, and their check: a threshold misspelt or out
 * of range would otherwise leave a flag silently at its default, or make it fire on every layer.
 */
import { assertInRange, assertKnownOptions, GradwellArgumentError, optionKeys } from '@gradwell/core';

/** Thresholds of the flags. */
export interface DiagnosticThresholds {
  /** Relative gradient below this: vanishing (default 1e-2). */
  vanishing?: number;
  /** Relative gradient above this: exploding (default 1e2). */
  exploding?: number;
  /** Update ratio above this: too large a step (default 0.1). */
  updateRatio?: number;
  /** Dead share above this: flagged (default 0.5). */
  dead?: number;
  /** Saturated share above this: flagged (default 0.5). */
  saturated?: number;
}

const THRESHOLD_KEYS = optionKeys<DiagnosticThresholds>({
  vanishing: 1,
  exploding: 1,
  updateRatio: 1,
  dead: 1,
  saturated: 1,
});

/** The thresholds `completeDiagnostics` uses where none is given. */
export const DEFAULT_THRESHOLDS: Required<DiagnosticThresholds> = {
  vanishing: 1e-2,
  exploding: 1e2,
  updateRatio: 0.1,
  dead: 0.5,
  saturated: 0.5,
};

/**
 * Diagnostic thresholds: known keys only; the gradient and update ratios positive and finite, vanishing
 * below exploding (defaults counted); the dead and saturated shares in [0, 1].
 */
export function checkDiagnosticThresholds(
  context: string,
  thresholds: unknown,
  argument = 'thresholds',
): void {
  if (thresholds === undefined) return;
  assertKnownOptions(context, thresholds, THRESHOLD_KEYS, {}, argument);
  const given = thresholds as DiagnosticThresholds;
  for (const key of ['vanishing', 'exploding', 'updateRatio'] as const)
    if (given[key] !== undefined)
      assertInRange(context, `${argument}.${key}`, given[key], { min: 0, minInclusive: false });
  for (const key of ['dead', 'saturated'] as const)
    if (given[key] !== undefined)
      assertInRange(context, `${argument}.${key}`, given[key], { min: 0, max: 1 });
  const vanishing = given.vanishing ?? DEFAULT_THRESHOLDS.vanishing;
  const exploding = given.exploding ?? DEFAULT_THRESHOLDS.exploding;
  if (vanishing >= exploding)
    throw GradwellArgumentError.because(
      context,
      `${argument}.vanishing`,
      `'${argument}.vanishing' (${vanishing}) must be below '${argument}.exploding' (${exploding}` +
        `${given.exploding === undefined ? ' by default' : ''}), or every gradient would be flagged.`,
      vanishing,
    );
}
