/** Evaluation and prediction in inference mode, in batches. */
import { concat, dispose, slice as sliceTensor, tidy, type Tensor } from '@tensorflow/tfjs-core';
import { assertKnownOptions, assertPositiveInteger, createRandom, type Sequential } from '@gradwell/core';
import { checkData, checkLabels, epochBatches } from './training/batches';
import { accuracyOf } from './accuracy';
import type { Dataset } from './data/dataset';
import { lossOption, type Loss } from './losses';

export interface EvaluateOptions {
  /** Default 256. */
  batchSize?: number;
  /** Default softmax cross-entropy. */
  loss?: Loss | string;
}

/** Mean loss (and accuracy, for a loss that has one) over a dataset, in inference mode. */
export async function evaluate(
  model: Sequential,
  data: Dataset,
  options: EvaluateOptions = {},
): Promise<{ loss: number; accuracy: number | undefined; examples: number }> {
  assertKnownOptions('evaluate', options, ['batchSize', 'loss']);
  const loss = lossOption(options.loss);
  const batchSize = options.batchSize ?? 256;
  assertPositiveInteger('evaluate', 'batchSize', batchSize);
  checkData(model, data, 'data', 'evaluate');
  checkLabels(model, data, loss, 'data', 'evaluate');
  const accuracy = accuracyOf(loss);
  let lossSum = 0;
  let correctSum = 0;
  let seen = 0;
  const random = createRandom(0);
  for await (const batch of epochBatches(data, 0, batchSize, false, random)) {
    const [l, c] = tidy(() => {
      const out = model.apply(batch.x, { training: false });
      const value = loss(batch.y, out);
      return [
        value.dataSync()[0] as number,
        accuracy === undefined ? 0 : accuracy.count(batch.y, accuracy.predict(out)),
      ];
    });
    const n = batch.x.shape[0];
    dispose([batch.x, batch.y]);
    lossSum += l * n;
    correctSum += c;
    seen += n;
  }
  if (seen === 0) throw new Error(`evaluate: dataset '${data.name}' has no examples.`);
  return {
    loss: lossSum / seen,
    accuracy: accuracy === undefined ? undefined : correctSum / seen,
    examples: seen,
  };
}

/** The model's outputs for a tensor of inputs (batched, inference mode). The caller disposes the result. */
export function predict(model: Sequential, x: Tensor, options: { batchSize?: number } = {}): Tensor {
  assertKnownOptions('predict', options, ['batchSize']);
  const { batchSize = 256 } = options;
  assertPositiveInteger('predict', 'batchSize', batchSize);
  model.checkBatch('predict', 'x', x);
  const n = x.shape[0];
  if (n <= batchSize) return model.apply(x, { training: false });
  return tidy(() => {
    const parts: Tensor[] = [];
    for (let start = 0; start < n; start += batchSize) {
      const size = Math.min(batchSize, n - start);
      const slice = tidy(() => {
        const begin = x.shape.map((_, i) => (i === 0 ? start : 0));
        const sizes = x.shape.map((d, i) => (i === 0 ? size : d));
        return sliceTensor(x, begin, sizes);
      });
      parts.push(model.apply(slice, { training: false }));
      slice.dispose();
    }
    return concat(parts, 0);
  });
}
