/**
 * The lecture's "impact of input size" in small: a fully convolutional network (convolutions, global
 * average pooling, a linear head) trained on 28×28 digits is shown the test digits enlarged by each
 * rescale factor (the whole image resized, as when the elephant photo was fed to ResNet-50 at 1.1×…10×).
 * The same weights run at every size; accuracy, top-3 accuracy and the confidence in the true class
 * fall as the digits grow past the sizes the filters saw.
 */
import {
  argMax,
  cast,
  dispose,
  equal,
  gather,
  image,
  mean,
  mul,
  oneHot,
  reshape,
  softmax,
  sum,
  tidy,
  topk,
  type Tensor,
  type Tensor4D,
} from '@tensorflow/tfjs-core';
import {
  assertPositiveInteger,
  globalAveragePool,
  maxPool2d,
  assertKnownOptions,
  optionKeys,
} from '@gradwell/core';
import { evaluate } from '../evaluate';
import { fit } from '../training/fit';
import { conv2d, dense } from '../layers';
import { model, modelFromConfig, type Model } from '../model';
import type { ExperimentData } from './common';

export interface InputScaleOptions {
  factors?: number[];
  epochs?: number;
  /** Test digits evaluated at each scale; default 500. */
  examples?: number;
  seed?: number;
}

export interface InputScaleRow {
  factor: number;
  size: number;
  accuracy: number;
  top3: number;
  /** Mean softmax probability of the true class. */
  confidence: number;
}

export interface InputScaleResult {
  trainedAt: number;
  testAccuracyAtTrainingSize: number;
  rows: InputScaleRow[];
}

function fullyConvolutional(seed: number): Model {
  return model(
    [
      conv2d({ filters: 16, kernelSize: 3, padding: 'same', activation: 'relu', name: 'conv1' }),
      maxPool2d({ poolSize: 2, name: 'pool1' }),
      conv2d({ filters: 32, kernelSize: 3, padding: 'same', activation: 'relu', name: 'conv2' }),
      maxPool2d({ poolSize: 2, name: 'pool2' }),
      conv2d({ filters: 64, kernelSize: 3, padding: 'same', activation: 'relu', name: 'conv3' }),
      globalAveragePool({ name: 'gap' }),
      dense({ units: 10, name: 'logits' }),
    ],
    { inputShape: [28, 28, 1], seed, name: 'fcn' },
  );
}

/** The trained network rebuilt for another input size (the weights do not depend on it). */
function atSize(trained: Model, size: number): Model {
  const config = { ...trained.getConfig(), inputShape: [size, size, 1] };
  const copy = modelFromConfig(config);
  copy.weights.forEach((w, i) => w.variable.assign(trained.weights[i]!.variable));
  return copy;
}

export async function inputScaleExperiment(
  data: ExperimentData,
  o: InputScaleOptions = {},
): Promise<InputScaleResult> {
  assertKnownOptions(
    'inputScaleExperiment',
    o,
    optionKeys<InputScaleOptions>({ factors: 1, epochs: 1, examples: 1, seed: 1 }),
  );
  const factors = o.factors ?? [1, 1.1, 1.5, 3, 5, 10];
  const examples = Math.min(o.examples ?? 500, data.test.size);
  assertPositiveInteger('inputScaleExperiment', 'examples', examples);
  if (data.train.inputShape.join(',') !== '28,28,1')
    throw new Error(`inputScaleExperiment: needs 28×28×1 images, got [${data.train.inputShape.join(', ')}].`);
  const net = fullyConvolutional(o.seed ?? 0);
  await fit(net, data.train, {
    epochs: o.epochs ?? 3,
    batchSize: 32,
    optimizer: { name: 'adam', learningRate: 3e-3 },
    seed: o.seed ?? 0,
  });
  const testAccuracyAtTrainingSize = (await evaluate(net, data.test)).accuracy ?? 0;
  const { x, y } = data.test.batch(Array.from({ length: examples }, (_, i) => i));
  const rows: InputScaleRow[] = [];
  try {
    for (const factor of factors) {
      const size = Math.round(28 * factor);
      const scaled = size === 28 ? net : atSize(net, size);
      const [accuracy, top3, confidence] = evaluateAt(scaled, x as Tensor4D, y, size);
      rows.push({ factor, size, accuracy, top3, confidence });
      if (scaled !== net) scaled.dispose();
    }
  } finally {
    dispose([x, y]);
    net.dispose();
  }
  return { trainedAt: 28, testAccuracyAtTrainingSize, rows };
}

function evaluateAt(net: Model, x: Tensor4D, y: Tensor, size: number): [number, number, number] {
  let correct = 0;
  let inTop3 = 0;
  let confidence = 0;
  const n = x.shape[0];
  const batch = size > 150 ? 25 : 100;
  for (let start = 0; start < n; start += batch) {
    const count = Math.min(batch, n - start);
    const [c, t, p] = tidy(() => {
      const idx = Array.from({ length: count }, (_, i) => start + i);
      const xs = gather(x, idx);
      const ys = cast(gather(y, idx), 'int32');
      const resized = size === 28 ? xs : image.resizeBilinear(xs, [size, size]);
      const logits = net.apply(resized, { training: false });
      const probs = softmax(logits);
      const right = sum(cast(equal(argMax(logits, 1), ys), 'float32'));
      const { indices } = topk(logits, 3);
      const top = sum(cast(equal(indices, reshape(ys, [count, 1])), 'float32'));
      const trueProb = mean(sum(mul(probs, oneHot(ys, 10)), 1));
      return [
        right.dataSync()[0] as number,
        top.dataSync()[0] as number,
        (trueProb.dataSync()[0] as number) * count,
      ];
    });
    correct += c;
    inTop3 += t;
    confidence += p;
  }
  return [correct / n, inTop3 / n, confidence / n];
}
