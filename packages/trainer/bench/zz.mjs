import * as tf from '@tensorflow/tfjs-core';
import { setupBackend, uninstallTrainingKernels } from '@gradwell/core';
const r = await setupBackend({ threads: Number(process.env.T ?? 2) });
console.log(r);
if (process.env.STOCK) uninstallTrainingKernels();
const time = (label, fn, n = 20) => {
  for (let i = 0; i < 3; i++) fn(i);
  const t = performance.now();
  for (let i = 0; i < n; i++) fn(i);
  console.log(label, ((performance.now() - t) / n).toFixed(3), 'ms');
};
for (const rows of [12800, 60000]) {
  const x = tf.randomUniform([rows, 784]);
  const idx = tf.tensor1d(
    Int32Array.from({ length: 128 }, (_, i) => (i * 97) % rows),
    'int32',
  );
  time(`gather 128 of ${rows}`, () => {
    const g = tf.gather(x, idx);
    g.dispose();
  });
  time(`slice 128 of ${rows}`, () => {
    const g = tf.slice(x, [1000, 0], [128, 784]);
    g.dispose();
  });
  tf.dispose([x, idx]);
}
