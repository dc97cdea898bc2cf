/**
 * Augmentation: the shipped photo (a colourful CC0 painting, so hue and saturation show) or MNIST digits
 * through a pipeline built from toggles and sliders; the original beside a grid of augmented samples
 * regenerated on every change, from a seed that is shown and settable. Controls that do nothing in the
 * current pipeline are disabled; flips are off for digits, and the page says why.
 */
import * as tf from '@tensorflow/tfjs-core';
import { compose, fitNormalizer, maxNorm, minMaxNorm, standardize, type StepSpec } from '@gradwell/augment';
import { drawImage, loadMnist, loadPhoto } from '../data';
import { checkbox, numberInput, range, section, select, setStatus } from '../state';

const SAMPLES = 8;

export function mountAugment(root: HTMLElement): () => void {
  root.insertAdjacentHTML(
    'beforeend',
    `<h2>Data augmentation and pre-processing</h2>
     <p class="lead">The original, then eight samples of the pipeline. Each change rebuilds the pipeline and redraws; the same seed
     gives the same samples. An augmentation must keep what the image is: a mirrored photo is still a canyon, a mirrored 2 is
     not a 2 — so flips are off for digits.</p>`,
  );
  const controls = section(root, 'controls');
  const source = select(controls, 'source', 'source', ['photo', 'digits'], 'photo');
  const seed = numberInput(controls, 'seed', 'seed', 1);
  const reroll = document.createElement('button');
  reroll.textContent = 'new seed';
  controls.append(reroll);
  const flipH = checkbox(controls, 'flip horizontal', 'flipH', true);
  const flipV = checkbox(controls, 'flip vertical', 'flipV');
  const crop = checkbox(controls, 'random resized crop', 'crop', true);
  const jitter = checkbox(controls, 'colour jitter', 'jitter');
  const brightness = range(controls, 'brightness', 'brightness', 0, 0.8, 0.05, 0.3);
  const contrast = range(controls, 'contrast', 'contrast', 0, 0.8, 0.05, 0.3);
  const saturation = range(controls, 'saturation', 'saturation', 0, 0.8, 0.05, 0.3);
  const hue = range(controls, 'hue', 'hue', 0, 0.5, 0.01, 0.05);
  const gray = checkbox(controls, 'grayscale', 'gray');
  const erase = checkbox(controls, 'random erasing', 'erase');
  const norm = select(
    controls,
    'normalisation',
    'norm',
    ['none', 'max-norm', 'min-max', 'mean subtraction', 'standardize'],
    'none',
  );
  const info = section(root, 'note');
  info.id = 'augment-info';
  const layout = section(root, 'augment-layout');
  const originalFigure = document.createElement('figure');
  originalFigure.className = 'original';
  const original = document.createElement('canvas');
  original.id = 'original';
  const caption = document.createElement('figcaption');
  caption.textContent = 'original';
  originalFigure.append(original, caption);
  layout.append(originalFigure);
  const grid = section(layout, 'grid');
  const canvases = Array.from({ length: SAMPLES }, () => {
    const c = document.createElement('canvas');
    grid.append(c);
    return c;
  });
  // The jitter sliders only act with colour jitter on.
  const jitterSliders = [brightness, contrast, saturation, hue];
  const syncControls = () => {
    for (const slider of jitterSliders) {
      slider.disabled = !jitter.checked;
      slider.closest('label')?.classList.toggle('disabled', !jitter.checked);
    }
  };
  source.addEventListener('change', () => {
    // Flips change what a digit is: off for digits (still available, ticked by hand).
    if (source.value === 'digits') {
      flipH.checked = false;
      flipV.checked = false;
    }
  });
  jitter.addEventListener('change', syncControls);
  syncControls();
  let photo: tf.Tensor3D | undefined;
  let digits: tf.Tensor4D | undefined;
  let generation = 0;

  async function render(): Promise<void> {
    const mine = ++generation;
    const useDigits = source.value === 'digits';
    if (useDigits && digits === undefined) {
      const { test } = await loadMnist();
      if (mine !== generation) return;
      digits = tf.tidy(() =>
        tf.tile(test.batch(Array.from({ length: SAMPLES }, (_, i) => i)).x, [1, 1, 1, 3]),
      ) as tf.Tensor4D;
    }
    if (!useDigits && photo === undefined) {
      const loaded = await loadPhoto(256);
      if (mine !== generation) {
        loaded.dispose();
        return;
      }
      photo = loaded;
    }
    if (mine !== generation) return;
    const size = useDigits ? 28 : 160;
    const steps: StepSpec[] = [];
    if (flipH.checked) steps.push({ type: 'flipHorizontal', p: 0.5 });
    if (flipV.checked) steps.push({ type: 'flipVertical', p: 0.5 });
    if (crop.checked)
      steps.push({ type: 'randomResizedCrop', params: { size: [size, size], scale: [0.35, 1] } });
    if (jitter.checked)
      steps.push({
        type: 'colorJitter',
        params: {
          brightness: Number(brightness.value),
          contrast: Number(contrast.value),
          saturation: Number(saturation.value),
          hue: Number(hue.value),
        },
      });
    if (gray.checked) steps.push({ type: 'grayscale' });
    if (erase.checked) steps.push({ type: 'randomErasing' });
    const pipeline = compose(steps, { seed: Number(seed.value) });
    const augmented = tf.tidy(() => {
      const batch = useDigits
        ? (digits as tf.Tensor4D)
        : tf.stack(Array.from({ length: SAMPLES }, () => photo as tf.Tensor3D));
      let x = pipeline.apply(batch);
      if (!crop.checked && !useDigits)
        x = tf.image.resizeBilinear(x as tf.Tensor4D, [
          Math.round((size * (photo as tf.Tensor3D).shape[0]) / (photo as tf.Tensor3D).shape[1]),
          size,
        ]);
      return x;
    });
    // Normalised values are shown mapped back into [0, 1]: x/2 + 0.5 for zero-centred ones, x/4 + 0.5 for standardised.
    const normalizer = norm.value === 'mean subtraction' ? await fitNormalizer(augmented) : undefined;
    // The page may have been left (its tensors freed) or redrawn while the normaliser was fitted.
    if (mine !== generation) {
      augmented.dispose();
      return;
    }
    const out = tf.tidy(() => {
      if (norm.value === 'max-norm') return maxNorm(tf.mul(augmented, 255));
      if (norm.value === 'min-max') return minMaxNorm(augmented);
      if (normalizer !== undefined) return tf.add(tf.mul(normalizer.subtractMean(augmented), 0.5), 0.5);
      if (norm.value === 'standardize') return tf.add(tf.mul(standardize(augmented), 0.25), 0.5);
      return tf.clone(augmented);
    });
    augmented.dispose();
    const images = tf.unstack(out);
    images.forEach((image, i) => drawImage(canvases[i] as HTMLCanvasElement, image));
    tf.dispose([out, ...images]);
    const plain = tf.tidy(() => {
      if (useDigits) return tf.unstack(digits as tf.Tensor4D)[0] as tf.Tensor3D;
      const p = photo as tf.Tensor3D;
      return tf.image.resizeBilinear(p, [Math.round((size * p.shape[0]) / p.shape[1]), size]);
    });
    drawImage(original, plain);
    plain.dispose();
    info.textContent = `seed ${seed.value} · ${pipeline.describe().join(' → ') || 'no steps'}${norm.value === 'none' ? '' : ` · ${norm.value}`}`;
    setStatus({
      page: 'augment',
      ready: true,
      seed: Number(seed.value),
      samples: SAMPLES,
      steps: steps.map((s) => s.type),
      source: source.value,
      normalisation: norm.value,
      jitterSlidersEnabled: !brightness.disabled,
      flips: [flipH.checked, flipV.checked],
    });
  }

  let closed = false;
  const rerender = () => {
    if (!closed) void render();
  };
  for (const el of [
    source,
    seed,
    flipH,
    flipV,
    crop,
    jitter,
    brightness,
    contrast,
    saturation,
    hue,
    gray,
    erase,
    norm,
  ])
    el.addEventListener('change', rerender);
  reroll.addEventListener('click', () => {
    seed.value = String(Math.floor(Math.random() * 100000));
    rerender();
  });
  rerender();
  return () => {
    closed = true;
    generation++;
    if (photo !== undefined) photo.dispose();
    if (digits !== undefined) digits.dispose();
  };
}
