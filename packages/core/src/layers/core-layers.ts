/**
 * The registry of core's layer classes, for deserialisation. Technique packages add theirs to the
 * trainer's registry the same way: one explicit list.
 */
import { createRegistry, type Registry } from '../registry';
import { ActivationLayer } from './activation';
import { Conv2d } from './conv2d';
import { Dense } from './dense';
import { DepthwiseConv2d } from './depthwise-conv2d';
import { AvgPool2d, Flatten, GlobalAveragePool, MaxPool2d } from './pooling';
import type { LayerFactory } from './sequential';

export const CORE_LAYER_FACTORIES: ReadonlyArray<readonly [string, LayerFactory]> = [
  ['Activation', (config, resolvers) => ActivationLayer.fromConfig(config, resolvers)],
  ['Dense', (config, resolvers) => Dense.fromConfig(config, resolvers)],
  ['Conv2d', (config, resolvers) => Conv2d.fromConfig(config, resolvers)],
  ['DepthwiseConv2d', (config, resolvers) => DepthwiseConv2d.fromConfig(config, resolvers)],
  ['MaxPool2d', (config) => MaxPool2d.fromConfig(config)],
  ['AvgPool2d', (config) => AvgPool2d.fromConfig(config)],
  ['GlobalAveragePool', (config) => GlobalAveragePool.fromConfig(config)],
  ['Flatten', (config) => Flatten.fromConfig(config)],
];

/** A new layer registry holding core's layers. */
export function createLayerRegistry(): Registry<LayerFactory> {
  const registry = createRegistry<LayerFactory>('layer');
  for (const [className, factory] of CORE_LAYER_FACTORIES) registry.register(className, factory);
  return registry;
}
