/** Colour adjustments against torchvision's functional formulas, computed per pixel in float64. */
import * as tf from '@tensorflow/tfjs-core';
import { createRandom } from '@gradwell/core';
import { describeOnBackends, expectNoLeakedTensors, expectTensorsClose } from '@gradwell/test-utils';
import { expect, test } from 'vitest';
import { adjustBrightness, adjustContrast, adjustHue, adjustSaturation, toGrayscale } from './color';

type Rgb = [number, number, number];
const clamp = (v: number) => Math.min(1, Math.max(0, v));
const gray = ([r, g, b]: Rgb) => 0.2989 * r + 0.587 * g + 0.114 * b;

/** torchvision _rgb2hsv / _hsv2rgb for one pixel. */
function rgb2hsv([r, g, b]: Rgb): Rgb {
  const maxc = Math.max(r, g, b),
    minc = Math.min(r, g, b);
  const cr = maxc - minc;
  const s = cr / (maxc === minc ? 1 : maxc);
  const d = maxc === minc ? 1 : cr;
  const [rc, gc, bc] = [(maxc - r) / d, (maxc - g) / d, (maxc - b) / d];
  let h = 0;
  if (maxc === r) h = bc - gc;
  else if (maxc === g) h = 2 + rc - bc;
  else h = 4 + gc - rc;
  return [(((h / 6 + 1) % 1) + 1) % 1, s, maxc];
}
function hsv2rgb([h, s, v]: Rgb): Rgb {
  const i = Math.floor(h * 6) % 6;
  const f = h * 6 - Math.floor(h * 6);
  const p = clamp(v * (1 - s)),
    q = clamp(v * (1 - s * f)),
    t = clamp(v * (1 - s * (1 - f)));
  return (
    [
      [v, t, p],
      [q, v, p],
      [p, v, t],
      [p, q, v],
      [t, p, v],
      [v, p, q],
    ] as Rgb[]
  )[i]!;
}

const H = 4,
  W = 5;
const pixels: Rgb[] = (() => {
  const random = createRandom(9);
  const list: Rgb[] = Array.from({ length: H * W - 3 }, () => [random.next(), random.next(), random.next()]);
  return [...list, [0.5, 0.5, 0.5], [1, 0, 0], [0.2, 0.9, 0.9]]; // a gray pixel and pure hues included
})();
const image = () => tf.tensor4d(pixels.flat(), [1, H, W, 3]);

describeOnBackends('colour adjustments (torchvision definitions)', () => {
  test.each([0, 0.5, 1, 1.7])('brightness, contrast, saturation with factor %s', async (factor) => {
    const meanGray = pixels.reduce((s, p) => s + gray(p), 0) / pixels.length;
    const x = image();
    await expectNoLeakedTensors(() => {
      const outputs = [adjustBrightness(x, factor), adjustContrast(x, factor), adjustSaturation(x, factor)];
      const [brightness, contrast, saturation] = outputs.map((t) => t.dataSync());
      expectTensorsClose(
        brightness as Float32Array,
        pixels.flatMap((p) => p.map((v) => clamp(v * factor))),
        { atol: 1e-4, rtol: 0 },
      );
      expectTensorsClose(
        contrast as Float32Array,
        pixels.flatMap((p) => p.map((v) => clamp(factor * v + (1 - factor) * meanGray))),
        { atol: 1e-4, rtol: 0 },
      );
      expectTensorsClose(
        saturation as Float32Array,
        pixels.flatMap((p) => p.map((v) => clamp(factor * v + (1 - factor) * gray(p)))),
        { atol: 1e-4, rtol: 0 },
      );
      tf.dispose(outputs);
    });
    x.dispose();
  });

  test.each([-0.5, -0.2, 0, 0.1, 0.45])('hue shift %s', (shift) => {
    const expected = pixels.flatMap((p) => {
      const [h, s, v] = rgb2hsv(p);
      return hsv2rgb([(((h + shift) % 1) + 1) % 1, s, v]);
    });
    expectTensorsClose(adjustHue(image(), shift).dataSync(), expected, { atol: 1e-4, rtol: 0 });
  });

  test('grayscale, per-image factors, single images', () => {
    expectTensorsClose(
      toGrayscale(image()).dataSync(),
      pixels.flatMap((p) => [gray(p), gray(p), gray(p)]),
      { atol: 1e-5, rtol: 0 },
    );
    const batch = tf.concat([image(), image()]);
    const y = adjustBrightness(batch, [0.5, 2]).arraySync() as number[][][][];
    expect(y[0]![0]![0]![0]).toBeCloseTo(pixels[0]![0] * 0.5, 5);
    expect(y[1]![0]![0]![0]).toBeCloseTo(clamp(pixels[0]![0] * 2), 5);
    expect(adjustSaturation(tf.ones([2, 2, 3]), 0.5).shape).toEqual([2, 2, 3]);
  });

  test('bad factors name the argument', () => {
    expect(() => adjustBrightness(image(), -0.5)).toThrow(
      "adjustBrightness: argument 'factor' must be a number ≥ 0, got -0.5",
    );
    expect(() => adjustHue(image(), 0.7)).toThrow(
      "adjustHue: argument 'factor' must be a number in [-0.5, 0.5], got 0.7",
    );
    expect(() => adjustContrast(image(), [1, 2])).toThrow(
      "adjustContrast: argument 'factor' must be one number or 1 (one per image)",
    );
    expect(() => adjustBrightness(image(), undefined as unknown as number)).toThrow(
      "adjustBrightness: argument 'factor' must be one number or 1 (one per image), got undefined",
    );
    expect(() => adjustSaturation(tf.ones([1, 2, 2, 1]), 1)).toThrow(
      "adjustSaturation: argument 'images' must be RGB images (3 channels)",
    );
  });
});
