/**
 * Argument checks whose errors name the argument, what was expected and what came, e.g.
 * `dense: argument 'units' must be a positive integer, got 0`. Nothing is clamped or coerced.
 */
import { all, isFinite as isFiniteOp, tidy, type DataType, type Tensor } from '@tensorflow/tfjs-core';

/** The error every gradwell argument check throws. */
export class GradwellArgumentError extends Error {
  override readonly name = 'GradwellArgumentError';
  constructor(
    readonly context: string,
    readonly argument: string,
    readonly expected: string,
    readonly received: unknown,
    /** A whole message instead of "context: argument 'x' must be …, got …" (it must name the argument). */
    message?: string,
  ) {
    super(
      message ?? `${context}: argument '${argument}' must be ${expected}, got ${describeValue(received)}`,
    );
  }

  /** An argument error with a message of its own, for what "must be …, got …" says badly. */
  static because(
    context: string,
    argument: string,
    message: string,
    received?: unknown,
  ): GradwellArgumentError {
    return new GradwellArgumentError(context, argument, message, received, `${context}: ${message}`);
  }
}

/** A short, readable rendering of any value for error messages. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (Array.isArray(value)) return `[${value.map(describeValue).join(', ')}]`;
  if (value !== null && typeof value === 'object' && 'shape' in value && 'dtype' in value) {
    const tensor = value as { shape: number[]; dtype: string };
    const disposed = (value as { isDisposed?: boolean }).isDisposed === true ? 'disposed ' : '';
    return `a ${disposed}${tensor.dtype} tensor of shape [${tensor.shape.join(', ')}]`;
  }
  if (typeof value === 'function') return `a function${value.name ? ` (${value.name})` : ''}`;
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (typeof value === 'symbol') return value.toString();
  if (value === null || typeof value !== 'object') return 'null';
  try {
    return JSON.stringify(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** `value` must be true or false: a string 'true' or a 1 from a config file is named, not read as truthy. */
export function assertBoolean(context: string, argument: string, value: unknown): asserts value is boolean {
  if (typeof value !== 'boolean') throw new GradwellArgumentError(context, argument, 'true or false', value);
}

export function assertFiniteNumber(
  context: string,
  argument: string,
  value: unknown,
): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new GradwellArgumentError(context, argument, 'a finite number', value);
  }
}

export function assertPositiveInteger(
  context: string,
  argument: string,
  value: unknown,
): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new GradwellArgumentError(context, argument, 'a positive integer', value);
  }
}

export function assertNonNegativeInteger(
  context: string,
  argument: string,
  value: unknown,
): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new GradwellArgumentError(context, argument, 'a non-negative integer', value);
  }
}

export interface RangeSpec {
  min?: number;
  max?: number;
  /** Whether `min` itself is allowed (default true). */
  minInclusive?: boolean;
  /** Whether `max` itself is allowed (default true). */
  maxInclusive?: boolean;
}

function describeRange({ min, max, minInclusive = true, maxInclusive = true }: RangeSpec): string {
  if (min !== undefined && max !== undefined) {
    return `a number in ${minInclusive ? '[' : '('}${min}, ${max}${maxInclusive ? ']' : ')'}`;
  }
  if (min !== undefined) return `a number ${minInclusive ? '≥' : '>'} ${min}`;
  if (max !== undefined) return `a number ${maxInclusive ? '≤' : '<'} ${max}`;
  return 'a finite number';
}

export function assertInRange(
  context: string,
  argument: string,
  value: unknown,
  range: RangeSpec,
): asserts value is number {
  const { min, max, minInclusive = true, maxInclusive = true } = range;
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (min === undefined || (minInclusive ? value >= min : value > min)) &&
    (max === undefined || (maxInclusive ? value <= max : value < max));
  if (!ok) throw new GradwellArgumentError(context, argument, describeRange(range), value);
}

export function assertOneOf<T extends string>(
  context: string,
  argument: string,
  value: unknown,
  allowed: readonly T[],
): asserts value is T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new GradwellArgumentError(
      context,
      argument,
      `one of ${allowed.map((a) => `'${a}'`).join(', ')}`,
      value,
    );
  }
}

/** A tensor of one of the given ranks (and, if given, dtypes). */
export function assertTensor(
  context: string,
  argument: string,
  value: unknown,
  { ranks, dtypes }: { ranks?: readonly number[]; dtypes?: readonly DataType[] } = {},
): asserts value is Tensor {
  const isTensor =
    value !== null && typeof value === 'object' && 'shape' in value && 'dtype' in value && 'rank' in value;
  if (!isTensor) throw new GradwellArgumentError(context, argument, 'a tensor', value);
  const tensor = value as Tensor;
  if (tensor.isDisposed)
    throw new GradwellArgumentError(context, argument, 'a tensor that is not disposed', tensor);
  if (ranks !== undefined && !ranks.includes(tensor.rank)) {
    const expected = ranks.length === 1 ? `of rank ${ranks[0]}` : `of rank ${ranks.join(' or ')}`;
    throw new GradwellArgumentError(context, argument, `a tensor ${expected}`, tensor);
  }
  if (dtypes !== undefined && !dtypes.includes(tensor.dtype)) {
    throw new GradwellArgumentError(context, argument, `a ${dtypes.join(' or ')} tensor`, tensor);
  }
}

/**
 * A tensor whose values are all finite (no NaN, no ±Infinity) — for inputs that would otherwise turn into
 * silent garbage (statistics, LSUV's rescaling). One reduction on the backend.
 */
export function assertFiniteValues(context: string, argument: string, value: Tensor): void {
  const flag = tidy(() => all(isFiniteOp(value)));
  const finite = flag.dataSync()[0] === 1;
  flag.dispose();
  if (!finite)
    throw new GradwellArgumentError(
      context,
      argument,
      'a tensor of finite values (no NaN or Infinity)',
      value,
    );
}
