/**
 * @gradwell/augment benchmark: images per second through a flip + random-resized-crop + colour-jitter
 * pipeline on a batch of 64 images (256×256×3 in, 224×224×3 out), wasm vs the cpu backend, same seed.
 */
import { createRandom, setupBackend } from '@gradwell/core';
import { compose } from '@gradwell/augment';
import { createReport, medianMs, quick } from '@gradwell/bench-kit';

const report = createReport('augment');
const steps = [
  { type: 'flipHorizontal', p: 0.5 },
  { type: 'randomResizedCrop', params: { size: [224, 224] } },
  { type: 'colorJitter', params: { brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.1 } },
];
const timings = {};
for (const backend of ['wasm', 'cpu']) {
  await setupBackend({ backend });
  const images = createRandom(1).uniformTensor([64, 256, 256, 3]);
  const pipeline = compose(steps, { seed: 1 });
  const run = () => {
    const out = pipeline.apply(images);
    out.dataSync();
    out.dispose();
  };
  timings[backend] = medianMs(
    run,
    backend === 'wasm' ? { warmup: 2, runs: quick ? 3 : 7 } : { warmup: 1, runs: quick ? 1 : 3 },
  );
  images.dispose();
}
await setupBackend({ backend: 'wasm' });
report.add({
  name: 'flip + randomResizedCrop(224) + colorJitter, batch 64 (wasm)',
  medianMs: timings.wasm,
  reference: { name: 'cpu backend', medianMs: timings.cpu },
  target: '≥ 5× the cpu backend',
  met: timings.cpu / timings.wasm >= 5,
  note: `${((64 * 1000) / timings.wasm).toFixed(0)} images/s on wasm, ${((64 * 1000) / timings.cpu).toFixed(0)} on cpu`,
});
report.write();
