/**
 * The registry of core's layer classes, for deserialisation. Technique packages add theirs to the
 * trainer's registry the same way: one explicit list.
 */
import { createRegistry, type Registry } from '../registry';
import { Conv2d } from './conv2d';
import { Dense } from './dense';
import { AvgPool2d, Flatten, GlobalAveragePool, MaxPool2d } from './pooling';
import type { LayerFactory } from './sequential';

export const CORE_LAYER_FACTORIES: ReadonlyArray<readonly [string, LayerFactory]> = [
  ['Dense', Dense.fromConfig],
  ['Conv2d', Conv2d.fromConfig],
  ['MaxPool2d', MaxPool2d.fromConfig],
  ['AvgPool2d', AvgPool2d.fromConfig],
  ['GlobalAveragePool', GlobalAveragePool.fromConfig],
  ['Flatten', Flatten.fromConfig],
];

/** A new layer registry holding core's layers. */
export function createLayerRegistry(): Registry<LayerFactory> {
  const registry = createRegistry<LayerFactory>('layer');
  for (const [className, factory] of CORE_LAYER_FACTORIES) registry.register(className, factory);
  return registry;
}
