/**
 * Activations as layers of their own — Activation, ReLU (with max_value), LeakyReLU, ELU, Softmax — and
 * the learnable ones, PReLU and gradwell's SReLU, in the tfjs-layers/Keras format.
 */
import { reshape, type Tensor } from '@tensorflow/tfjs-core';
import { ActivationLayer } from '@gradwell/core';
import { getActivation, PRelu, SRelu } from '@gradwell/activations';
import { activationFromLayers, activationToLayers } from '../keras-activations';
import { initializerFromLayers, initializerToLayers } from '../keras-initializers';
import { requiredWeight, spreadChannels, weightOf, type LayerFormat } from '../layer-format';
import { ModelFileError } from '../model-file-error';

/**
 * gradwell's activation layer: Keras's dedicated layer where tfjs-layers has one for an option the
 * activation strings cannot carry (ReLU(max_value=6), LeakyReLU(alpha)), Activation otherwise (ELU with
 * α ≠ 1 too: tfjs-layers' ELU layer refuses it; the Keras route writes Keras's ELU(alpha)).
 */
export const ACTIVATION_FORMAT: LayerFormat = {
  gradwell: ['Activation'],
  layers: ['Activation', 'ReLU', 'LeakyReLU', 'ELU', 'Softmax'],
  write: (layer) => {
    const { activation } = layer as ActivationLayer;
    const options = (activation.getConfig?.() ?? {}) as Record<string, number>;
    if (activation.name === 'relu6') return { className: 'ReLU', config: { maxValue: 6 }, weights: [] };
    if (activation.name === 'leakyRelu')
      return { className: 'LeakyReLU', config: { alpha: options.alpha }, weights: [] };
    return { className: 'Activation', config: { activation: activationToLayers(activation) }, weights: [] };
  },
  create(spec) {
    const where = `layer '${spec.name}' (${spec.className})`;
    const config = spec.config as Record<string, number | null | undefined>;
    const name = spec.name;
    switch (spec.className) {
      case 'ReLU': {
        if ((config.threshold ?? 0) !== 0)
          throw new ModelFileError('unknown-class', `${where}: a threshold is not supported.`);
        const slope = config.negativeSlope ?? 0;
        const maxValue = config.maxValue ?? null;
        if (maxValue !== null && maxValue !== 6)
          throw new ModelFileError(
            'unknown-class',
            `${where}: max_value ${maxValue}; gradwell has relu6 (max_value 6) only.`,
          );
        if (maxValue === 6 && slope !== 0)
          throw new ModelFileError(
            'unknown-class',
            `${where}: max_value with a negative slope is not supported.`,
          );
        const activation =
          maxValue === 6
            ? getActivation('relu6')
            : slope !== 0
              ? getActivation('leakyRelu', { alpha: slope })
              : getActivation('relu');
        return new ActivationLayer(activation, { name });
      }
      case 'LeakyReLU':
        // tfjs-layers' and Keras 2's default slope is 0.3.
        return new ActivationLayer(getActivation('leakyRelu', { alpha: config.alpha ?? 0.3 }), { name });
      case 'ELU':
        return new ActivationLayer(getActivation('elu', { alpha: config.alpha ?? 1 }), { name });
      case 'Softmax':
        return new ActivationLayer(getActivation('softmax', { axis: config.axis ?? -1 }), { name });
      default:
        return new ActivationLayer(activationFromLayers(spec.config.activation, where), { name });
    }
  },
  values: () => ({}),
};

/** PReLU: gradwell's α per channel (or one shared) is Keras's α with `shared_axes` = every axis but channels (or all). */
export const PRELU_FORMAT: LayerFormat = {
  gradwell: ['PRelu'],
  layers: ['PReLU'],
  write: (layer, inputShape) => {
    const prelu = layer as PRelu;
    const spatial = inputShape.map((_, i) => i + 1);
    const sharedAxes = prelu.shared ? spatial : inputShape.length > 1 ? spatial.slice(0, -1) : null;
    const alpha = weightOf(prelu, 'alpha');
    const shape = inputShape.map((d, i) => (prelu.shared || i < inputShape.length - 1 ? 1 : d));
    return {
      className: 'PReLU',
      config: {
        alphaInitializer: initializerToLayers(prelu.alphaInitializer),
        alphaRegularizer: null,
        alphaConstraint: null,
        sharedAxes,
      },
      weights: [
        { param: 'alpha', value: inputShape.length > 1 || prelu.shared ? reshape(alpha, shape) : alpha },
      ],
    };
  },
  create(spec) {
    const where = `layer '${spec.name}' (PReLU)`;
    const rank = spec.inputShape.length;
    const given = spec.config.sharedAxes as number[] | number | null | undefined;
    const shared = new Set(
      given === null || given === undefined ? [] : Array.isArray(given) ? given : [given],
    );
    const positions = spec.inputShape.map((_, i) => i + 1).slice(0, -1);
    if (!positions.every((axis) => shared.has(axis)))
      throw new ModelFileError(
        'unknown-class',
        `${where}: an α per position (shared_axes ${JSON.stringify(spec.config.sharedAxes)}); gradwell's PReLU has one α per channel (shared_axes = every axis but the channels).`,
      );
    return new PRelu({
      name: spec.name,
      shared: shared.has(rank) && (spec.inputShape[rank - 1] as number) !== 1,
      alphaInitializer: initializerFromLayers(spec.config.alphaInitializer ?? { className: 'Zeros' }, where),
    });
  },
  values(input) {
    const alpha = requiredWeight(input, 'alpha');
    return { alpha: reshape(alpha, [alpha.size]) };
  },
};

const SRELU_PARAMETERS = ['tLeft', 'aLeft', 'tRight', 'aRight'] as const;
const SRELU_PARAMS: Record<(typeof SRELU_PARAMETERS)[number], string> = {
  tLeft: 't_left',
  aLeft: 'a_left',
  tRight: 't_right',
  aRight: 'a_right',
};

/** SReLU (Jin et al. 2016): gradwell's class, its four per-channel parameters under keras-contrib's names. */
export const SRELU_FORMAT: LayerFormat = {
  gradwell: ['SRelu'],
  layers: ['GradwellSReLU'],
  write: (layer, inputShape) => {
    const srelu = layer as SRelu;
    return {
      className: 'GradwellSReLU',
      config: Object.fromEntries(
        SRELU_PARAMETERS.map((p) => [`${p}Initializer`, initializerToLayers(srelu[`${p}Initializer`])]),
      ),
      weights: SRELU_PARAMETERS.map((p) => ({
        param: SRELU_PARAMS[p],
        value: inputShape.length > 1 ? spreadChannels(weightOf(srelu, p), inputShape) : weightOf(srelu, p),
      })),
    };
  },
  create(spec) {
    const where = `layer '${spec.name}' (GradwellSReLU)`;
    const initializer = (p: string) => initializerFromLayers(spec.config[`${p}Initializer`], where);
    return new SRelu({
      name: spec.name,
      tLeftInitializer: initializer('tLeft'),
      aLeftInitializer: initializer('aLeft'),
      tRightInitializer: initializer('tRight'),
      aRightInitializer: initializer('aRight'),
    });
  },
  values(input) {
    const values: Record<string, Tensor> = {};
    for (const p of SRELU_PARAMETERS) {
      const value = requiredWeight(input, SRELU_PARAMS[p]);
      values[p] = reshape(value, [value.size]);
    }
    return values;
  },
};
