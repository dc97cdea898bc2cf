/**
 * The activation plugin contract (versioned) and `defineActivation`, which turns one activation's
 * forward, analytic derivative and metadata into a plugin. `apply` carries the analytic derivative into
 * autodiff through `tf.customGrad` when the spec asks for it (where it is cheaper or more stable than
 * differentiating the forward's ops); otherwise tfjs differentiates the forward itself.
 */
import { customGrad, isNaN, mul, tidy, where, type GradSaveFunc, type Tensor } from '@tensorflow/tfjs-core';
import { assertKnownOptions, optionKeys, assertTensor } from '@gradwell/core';
import type {
  ActivationFunction,
  FusableActivation,
  InitializationHint,
  RecommendedInit,
} from '@gradwell/core';

/** Bumped when the plugin contract changes incompatibly; the registry refuses other versions. */
export const ACTIVATION_PLUGIN_SPEC_VERSION = 1;

export interface PaperReference {
  authors: string;
  title: string;
  year: number;
  url?: string;
}

export type ActivationOptions = Record<string, number | string | boolean>;

/** A ready-to-use activation: what `getActivation(name, options)` returns. */
export interface Activation extends ActivationFunction, InitializationHint {
  readonly name: string;
  /** f(x), differentiable; carries `derivative` into autodiff where the spec says so. */
  apply(x: Tensor): Tensor;
  /** The elementwise f′(x) as a tensor, for plots and diagnostics (softmax: the diagonal ∂yᵢ/∂xᵢ). */
  derivative(x: Tensor): Tensor;
  /** f(x) through the forward's ops only (tfjs autodiff): the reference `apply` is checked against. */
  forward(x: Tensor): Tensor;
  /** Gain for variance-preserving initialisation (tanh 5/3, relu √2, ...). */
  readonly gain: number;
  readonly recommendedInit: RecommendedInit;
  /** Extra options for the recommended initialiser (e.g. leaky ReLU's negative slope). */
  readonly initOptions: Readonly<Record<string, number>>;
  readonly paper: PaperReference | undefined;
  /** The range of f. */
  readonly range: readonly [number, number];
  /**
   * Points where f is not twice differentiable (f′ or f″ jumps); the conformance kit keeps finite
   * differences away from them.
   */
  readonly kinks: readonly number[];
  /** Whether the function is elementwise (false for softmax and logSoftmax). */
  readonly elementwise: boolean;
  readonly options: Readonly<ActivationOptions>;
  getConfig(): Record<string, unknown>;
}

/** What an outside contributor registers. */
export interface ActivationPlugin<O extends ActivationOptions = ActivationOptions> {
  readonly specVersion: typeof ACTIVATION_PLUGIN_SPEC_VERSION;
  /** camelCase canonical name. */
  readonly name: string;
  /** Snake-case / lower-case spellings, other names (`silu` for swish). */
  readonly aliases?: readonly string[];
  /** Makes the activation; throws a clear error on a bad option. */
  create(options?: Partial<O>): Activation;
}

/** What `defineActivation` takes: one activation's forward, derivative and metadata. */
export interface ActivationDefinition<O extends ActivationOptions> {
  name: string;
  aliases?: readonly string[];
  defaults: O;
  /** Throws (naming the option) when an option is out of range. */
  validate?(options: O): void;
  forward(x: Tensor, options: O): Tensor;
  derivative(x: Tensor, options: O): Tensor;
  /** Use the analytic derivative in autodiff (tf.customGrad) instead of differentiating `forward`. */
  customGradient: boolean;
  /**
   * The analytic gradient computed from what the forward already made (e.g. ELU's f′ = f + α on the
   * negative side needs no second exp): `forward` returns the value and the tensors to keep, and
   * `derivative` gets them back. Without it, `derivative(x)` is recomputed from x.
   */
  savedGradient?: {
    forward(x: Tensor, options: O): { value: Tensor; saved: Tensor[] };
    derivative(x: Tensor, saved: Tensor[], options: O): Tensor;
  };
  gain(options: O): number;
  recommendedInit: RecommendedInit;
  initOptions?(options: O): Record<string, number>;
  paper?: PaperReference;
  range(options: O): readonly [number, number];
  kinks?(options: O): readonly number[];
  elementwise?: boolean;
  fused?: FusableActivation;
}

const DEFINITION_KEYS = optionKeys<ActivationDefinition<ActivationOptions>>({
  name: 1,
  aliases: 1,
  defaults: 1,
  validate: 1,
  forward: 1,
  derivative: 1,
  customGradient: 1,
  savedGradient: 1,
  gain: 1,
  recommendedInit: 1,
  initOptions: 1,
  paper: 1,
  range: 1,
  kinks: 1,
  elementwise: 1,
  fused: 1,
});

export function defineActivation<O extends ActivationOptions>(
  spec: ActivationDefinition<O>,
): ActivationPlugin<O> {
  // a plugin author's `kink` for `kinks` would otherwise drop the kinks from the derivative checks
  assertKnownOptions('defineActivation', spec, DEFINITION_KEYS);
  return {
    specVersion: ACTIVATION_PLUGIN_SPEC_VERSION,
    name: spec.name,
    ...(spec.aliases === undefined ? {} : { aliases: spec.aliases }),
    create(given = {}) {
      // `getActivation('leakyRelu', 0.2)` (a value for the options) is named, never ignored
      assertKnownOptions(spec.name, given, Object.keys(spec.defaults));
      const options = { ...spec.defaults, ...given };
      spec.validate?.(options);
      // Every entry point checks its input: a live float32 tensor of any shape.
      const check = (x: unknown): void => assertTensor(spec.name, 'x', x, { dtypes: ['float32'] });
      const forward = (x: Tensor): Tensor => {
        check(x);
        return tidy(() => spec.forward(x, options));
      };
      // f′ of NaN is NaN (a piecewise derivative built from comparisons would say 0 or 1).
      const derivative = (x: Tensor): Tensor => {
        check(x);
        return tidy(() => where(isNaN(x), x, spec.derivative(x, options)));
      };
      const savedGradient = spec.savedGradient;
      const withAnalyticGradient = customGrad<Tensor>(((x: Tensor, save: GradSaveFunc) => {
        if (savedGradient === undefined) {
          save([x]);
          return {
            value: spec.forward(x, options),
            gradFunc: (dy: Tensor, saved: Tensor[]) => mul(dy, spec.derivative(saved[0] as Tensor, options)),
          };
        }
        const { value, saved } = savedGradient.forward(x, options);
        save([x, ...saved]);
        return {
          value,
          gradFunc: (dy: Tensor, kept: Tensor[]) =>
            mul(dy, savedGradient.derivative(kept[0] as Tensor, kept.slice(1), options)),
        };
      }) as unknown as Parameters<typeof customGrad<Tensor>>[0]);
      return {
        name: spec.name,
        apply: spec.customGradient
          ? (x: Tensor): Tensor => {
              check(x);
              return withAnalyticGradient(x);
            }
          : forward,
        derivative,
        forward,
        gain: spec.gain(options),
        recommendedInit: spec.recommendedInit,
        initOptions: spec.initOptions?.(options) ?? {},
        paper: spec.paper,
        range: spec.range(options),
        kinks: spec.kinks?.(options) ?? [],
        elementwise: spec.elementwise ?? true,
        options,
        ...(spec.fused === undefined ? {} : { fused: spec.fused }),
        getConfig: () => ({ ...options }),
      };
    },
  };
}
