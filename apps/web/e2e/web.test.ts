/**
 * The web app in a real browser (Debian's chromium), checking that each page makes its lecture point, not
 * just that charts exist: too-small weights shrink the last layer's histogram to a sliver of the first's on
 * their shared axis; runs overlay and can be removed; early stopping fires and says which epoch it kept;
 * batch norm's percentile bands are drawn for both networks; the input-size figure falls with scale; He
 * trains 30 ReLU layers where Xavier stalls. A lab run starts from the network as initialised (loss near
 * ln 10, diagnostics before any step). Training runs in a worker: the longest gap between frames stays
 * under 50 ms over 20 s of CNN training; a run pauses, resumes and stops from the page. Runs and studies
 * leave no tensor in the worker beyond what it keeps, redrawn figures none on the page. Every chart has
 * titled axes; no page logs an error; screenshots at 1280 and 390 px go to artifacts/.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type * as TfCore from '@tensorflow/tfjs-core';
import type * as TfLayers from '@tensorflow/tfjs-layers';
import type { Browser, Download, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { artifactsDir, ensureBuilt, ensureChromium, launch, startPreview } from './browser.mjs';

const require = createRequire(import.meta.url);
const webRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

let browser: Browser;
let server: ChildProcess;
let url: string;
let page: Page;
const errors: string[] = [];

interface ChartInfo {
  id: string;
  title: string;
  axes: Record<string, { title: string; type: string; min?: number; max?: number }>;
  series: Array<{ label: string; color: string; points: number }>;
}

beforeAll(async () => {
  const executable = ensureChromium();
  ensureBuilt();
  ({ url, server } = await startPreview());
  browser = await launch(executable);
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.addInitScript(() => {
    Error.stackTraceLimit = 40;
  });
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}\n${error.stack ?? ''}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console error: ${message.text()}`);
  });
});

afterAll(async () => {
  await browser?.close();
  server?.kill();
});

// No page logs an error, whatever the test did on it.
afterEach(() => {
  const seen = errors.splice(0);
  expect(seen, seen.join('\n')).toEqual([]);
});

type Status = Record<string, unknown> & { page: string; ready: boolean };

async function open(name: string): Promise<void> {
  await page.goto(`${url}#${name}`);
  await page.waitForFunction(
    (n) => window.gradwell?.status?.page === n && window.gradwell.status.ready === true,
    name,
    { timeout: 120_000 },
  );
}

const status = () => page.evaluate(() => window.gradwell.status as Status);

/**
 * Waits until the page's status satisfies `done` or carries an error, and returns it. Past `timeout` it
 * fails naming what it waited for, with the page's status and every status line it shows then: a run that
 * failed or hung says where, within the test's own time.
 */
async function settled(what: string, done: (s: Status) => boolean, timeout: number): Promise<Status> {
  const deadline = Date.now() + timeout;
  for (;;) {
    // a page whose thread is stuck answers no evaluate: that says so too
    const now = await within(`the page's status, while waiting for ${what}`, 30_000, status());
    if (done(now) || now.error !== undefined) return now;
    if (Date.now() > deadline) {
      const lines = await page.$$eval('[id$="status"]', (nodes) =>
        nodes.map((n) => `#${n.id}: ${n.textContent ?? ''}`),
      );
      throw new Error(
        `${what}: not within ${timeout / 1000} s; the page's status ${JSON.stringify(now)}; it shows ${lines.join(' | ')}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
const charts = () =>
  page.evaluate(() => (globalThis as unknown as { gradwellCharts: () => ChartInfo[] }).gradwellCharts());
const chart = async (id: string) => (await charts()).find((c) => c.id === id) as ChartInfo;

/** Sets a range input and lets the page hear it. */
async function setRange(selector: string, value: string): Promise<void> {
  await page.$eval(
    selector,
    (input, v) => {
      (input as HTMLInputElement).value = v;
      input.dispatchEvent(new Event('input', { bubbles: true }));
      input.dispatchEvent(new Event('change', { bubbles: true }));
    },
    value,
  );
}

/** Every chart on the page has a title and titled axes. */
async function expectTitledAxes(): Promise<void> {
  for (const c of await charts()) {
    expect(c.title, c.id).not.toBe('');
    for (const [key, a] of Object.entries(c.axes)) expect(a.title, `${c.id} axis ${key}`).not.toBe('');
  }
}

/** A full-page screenshot at 1280 px, then at 390 px (where nothing may stick out sideways). */
async function shots(name: string): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(artifactsDir, `${name}.png`), fullPage: true });
  await expectFitsAPhone(name, () =>
    page.screenshot({ path: path.join(artifactsDir, `${name}-390.png`), fullPage: true }),
  );
}

/** At 390 px nothing on the page sticks out sideways; `then` runs at that width. */
async function expectFitsAPhone(what: string, then?: () => Promise<unknown>): Promise<void> {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(300);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, `${what} is wider than a phone`).toBeLessThanOrEqual(1);
  await then?.();
  await page.setViewportSize({ width: 1280, height: 900 });
}

/** The training worker holds only the tensors it keeps on purpose (MNIST, the last model): nothing leaked. */
async function expectWorkerHoldsNoMore(after: string): Promise<void> {
  const memory = await page.evaluate(() => window.gradwell.workerMemory!());
  expect(memory.tensors, `the worker's tensors after ${after} (${memory.kept} kept)`).toBe(memory.kept);
}

/**
 * Redrawing the page's figures again (`redraw`, which waits until they are drawn) leaves the page thread
 * with as many tensors as before: its figures free what they compute.
 */
async function expectRedrawHoldsNoMore(what: string, redraw: () => Promise<void>): Promise<void> {
  const tensors = () => page.evaluate(() => window.gradwell.pageTensors!());
  const before = await tensors();
  await redraw();
  expect(await tensors(), `the page's tensors after ${what}`).toBe(before);
}

/** `work`, or a failure naming `what` once `ms` pass (for the steps Playwright does not time itself). */
async function within<T>(what: string, ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** The files a click downloads (waits for `count` of them), by their suggested names. */
async function downloadedFiles(click: () => Promise<void>, count: number): Promise<Record<string, Buffer>> {
  const downloads: Download[] = [];
  const collect = (d: Download) => downloads.push(d);
  page.on('download', collect);
  try {
    await click();
    await expect.poll(() => downloads.length, { timeout: 30_000 }).toBe(count);
  } finally {
    page.off('download', collect);
  }
  return Object.fromEntries(
    await Promise.all(
      downloads.map(async (d) => {
        const name = d.suggestedFilename();
        return [name, readFileSync(await within(`the download of ${name}`, 30_000, d.path()))] as const;
      }),
    ),
  );
}

/**
 * Loads downloaded layers-model files with tfjs-layers 4.22 (its UMD bundles on the cpu backend, in a blank
 * page of their own, so no second tfjs-core meets the app's) and classifies the site's 2 000 test digits.
 */
async function classifyWithTfjsLayers(
  files: Record<string, Buffer>,
): Promise<{ classNames: string[]; accuracy: number; examples: number; matrix: number[][] }> {
  const blank = await browser.newPage();
  try {
    await blank.setContent('<!doctype html><title>tfjs-layers</title>');
    for (const bundle of [
      '@tensorflow/tfjs-core/dist/tf-core.min.js',
      '@tensorflow/tfjs-backend-cpu/dist/tf-backend-cpu.min.js',
      '@tensorflow/tfjs-layers/dist/tf-layers.min.js',
    ])
      await blank.addScriptTag({ path: require.resolve(bundle) });
    const data = path.join(webRoot, 'public', 'data');
    const encoded = Object.fromEntries(
      Object.entries(files).map(([name, bytes]) => [name, bytes.toString('base64')]),
    );
    return await blank.evaluate(
      async ({ encoded, images, labels }) => {
        const decode = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
        const tf = (globalThis as unknown as { tf: typeof TfLayers & typeof TfCore }).tf;
        await tf.setBackend('cpu');
        const model = await tf.loadLayersModel(
          tf.io.browserFiles(Object.entries(encoded).map(([name, text]) => new File([decode(text)], name))),
        );
        const pixels = decode(images).subarray(16);
        const truth = decode(labels).subarray(8);
        const x = tf.div(tf.tensor4d(Float32Array.from(pixels), [truth.length, 28, 28, 1]), 255);
        const predicted = tf.argMax(model.predict(x) as TfCore.Tensor, -1).dataSync();
        const correct = truth.reduce((sum, label, i) => sum + (predicted[i] === label ? 1 : 0), 0);
        const matrix = Array.from({ length: 10 }, () => new Array<number>(10).fill(0));
        truth.forEach((label, i) => matrix[label]![predicted[i]!]!++);
        return {
          classNames: model.layers.map((layer) => layer.getClassName()),
          accuracy: correct / truth.length,
          examples: truth.length,
          matrix,
        };
      },
      {
        encoded,
        images: readFileSync(path.join(data, 'mnist-test-images.idx')).toString('base64'),
        labels: readFileSync(path.join(data, 'mnist-test-labels.idx')).toString('base64'),
      },
    );
  } finally {
    await blank.close();
  }
}

describe('the site', () => {
  test('trains in a worker on the threaded SIMD wasm backend, on every core (at most 4); the page is cross-origin isolated', async () => {
    const backendInfo = async () => {
      await page.waitForFunction(() => window.gradwell.backend !== undefined, undefined, {
        timeout: 120_000,
      });
      return page.evaluate(() => ({
        worker: window.gradwell.backend,
        page: window.gradwell.pageBackend,
        isolated: globalThis.crossOriginIsolated,
        cores: navigator.hardwareConcurrency,
      }));
    };
    await open('augment');
    const info = await backendInfo();
    expect(info.isolated).toBe(true);
    expect(info.worker).toMatchObject({ backend: 'wasm', simd: true, crossOriginIsolated: true });
    expect(info.worker!.threads).toBe(Math.max(1, Math.min(4, info.cores)));
    expect(info.page).toMatchObject({ backend: 'wasm', simd: true, threads: 1 });
    await expect(page.textContent('#backend')).resolves.toMatch(
      /training: wasm SIMD · \d+ threads? of \d+ cores · cross-origin isolated · in a worker/,
    );
    // The worker's pool really is threaded: asked for 2 threads it starts 2 (on any machine).
    await page.goto(`${url}?threads=2#augment`);
    const two = await backendInfo();
    expect(two.worker).toMatchObject({ backend: 'wasm', simd: true, threads: 2, crossOriginIsolated: true });
    expect(two.worker!.threadsNote).toBeUndefined();
    // gradwell's own kernel workers (Web Workers from a Blob URL, nested in the training worker) started
    expect(two.worker).toMatchObject({ simdKernelThreads: 2, xnnpackThreads: 1 });
    expect(two.worker!.simdKernelThreadsNote).toBeUndefined();
  });

  test('augmentation: the original beside eight samples of a colourful photo; grayscale greys them; jitter sliders act only with jitter; no flips for digits', async () => {
    await open('augment');
    const drawn = (selector: string) =>
      page.evaluate((s) => {
        return Array.from(document.querySelectorAll<HTMLCanvasElement>(s)).map((c) => {
          const d = (c.getContext('2d') as CanvasRenderingContext2D).getImageData(
            0,
            0,
            c.width,
            c.height,
          ).data;
          let saturation = 0;
          let spread = 0;
          for (let i = 0; i < d.length; i += 4) {
            const max = Math.max(d[i]!, d[i + 1]!, d[i + 2]!);
            const min = Math.min(d[i]!, d[i + 1]!, d[i + 2]!);
            saturation += max === 0 ? 0 : (max - min) / max;
            spread += Math.abs(d[i]! - d[0]!);
          }
          const n = d.length / 4;
          return { width: c.width, saturation: saturation / n, spread: spread / n };
        });
      }, selector);
    const [original] = await drawn('#original');
    expect(original!.width).toBe(160);
    expect(original!.saturation).toBeGreaterThan(0.2);
    const samples = await drawn('.grid canvas');
    expect(samples).toHaveLength(8);
    for (const c of samples) expect(c.spread).toBeGreaterThan(1);
    expect((await status()).jitterSlidersEnabled).toBe(false);
    await expect(page.isDisabled('#hue')).resolves.toBe(true);
    await page.check('#jitter');
    await page.waitForFunction(() => window.gradwell.status.jitterSlidersEnabled === true);
    await expect(page.isDisabled('#hue')).resolves.toBe(false);
    await page.check('#gray');
    await page.waitForFunction(() => (window.gradwell.status.steps as string[]).includes('grayscale'));
    for (const c of await drawn('.grid canvas')) expect(c.saturation).toBeLessThan(0.01);
    await page.uncheck('#gray');
    await page.uncheck('#jitter');
    await page.fill('#seed', '42');
    await page.dispatchEvent('#seed', 'change');
    await page.waitForFunction(() => window.gradwell.status.seed === 42);
    for (const norm of ['max-norm', 'min-max', 'mean subtraction', 'standardize']) {
      await page.selectOption('#norm', norm);
      await page.waitForFunction((n) => window.gradwell.status.normalisation === n, norm);
    }
    await page.selectOption('#norm', 'none');
    await page.selectOption('#source', 'digits');
    await page.waitForFunction(() => window.gradwell.status.source === 'digits');
    expect((await status()).flips).toEqual([false, false]);
    expect((await drawn('.grid canvas'))[0]!.width).toBe(28);
    await page.selectOption('#source', 'photo');
    await page.waitForFunction(() => window.gradwell.status.source === 'photo');
    await expectRedrawHoldsNoMore('new seeds, every step and every normalisation, and back', async () => {
      for (const box of ['#jitter', '#gray', '#crop', '#erase', '#flipH', '#flipV']) await page.check(box);
      for (const [i, norm] of ['max-norm', 'min-max', 'mean subtraction', 'standardize', 'none'].entries()) {
        await page.fill('#seed', String(100 + i));
        await page.dispatchEvent('#seed', 'change');
        await page.selectOption('#norm', norm);
        await page.waitForFunction(
          ([n, s]) => window.gradwell.status.normalisation === n && window.gradwell.status.seed === s,
          [norm, 100 + i] as const,
        );
      }
      // every step on: the longest description the page writes still fits a phone's width
      await expectFitsAPhone('augment with every step');
      for (const box of ['#jitter', '#gray', '#erase', '#flipV']) await page.uncheck(box);
      await page.fill('#seed', '42');
      await page.dispatchEvent('#seed', 'change');
      await page.waitForFunction(
        () =>
          window.gradwell.status.seed === 42 &&
          (window.gradwell.status.steps as string[]).join() === 'flipHorizontal,randomResizedCrop',
      );
    });
    await shots('augment');
  });

  test('initialisation: on one shared axis the too-small last layer spans < 1e-3 of the first; Xavier keeps tanh; He trains 30 ReLU layers where Xavier stalls', async () => {
    await open('init');
    const schemeNames = await page.$$eval('#scheme option', (options) => options.map((o) => o.textContent));
    expect(schemeNames).toContain('too small: N(0, 0.01²)');
    await page.selectOption('#activation', 'tanh');
    await page.selectOption('#scheme', 'tooSmall');
    await page.waitForFunction(
      () => window.gradwell.status.scheme === 'tooSmall' && window.gradwell.status.activation === 'tanh',
    );
    const small = await status();
    const spans = small.spans as number[];
    const shared = small.sharedRange as [number, number];
    expect(spans.at(-1)! / spans[0]!).toBeLessThan(1e-3);
    // Every activation histogram is drawn on the same x-range: the first layer's.
    for (const c of (await charts()).filter((c) => c.id.startsWith('act-'))) {
      expect(c.axes.x!.min).toBeCloseTo(shared[0], 6);
      expect(c.axes.x!.max).toBeCloseTo(shared[1], 6);
    }
    expect(small.finding).toMatch(/the signal collapses/);
    expect((await chart('std-by-layer')).axes.y!.type).toBe('logarithmic');
    await page.selectOption('#scheme', 'xavier');
    await page.waitForFunction(() => window.gradwell.status.scheme === 'xavier');
    const xavier = await status();
    expect((xavier.stds as number[]).at(-1)).toBeGreaterThan(0.1);
    expect(xavier.finding).toMatch(/shrinks, slowly|keeps its scale/);
    expect((xavier.gradientStds as number[]).every((s) => s > 0)).toBe(true);
    expect(await page.locator('#activation-grid canvas').count()).toBe(xavier.layers as number);
    await expectRedrawHoldsNoMore('another scheme and activation, and back', async () => {
      for (const [activation, scheme] of [
        ['relu', 'he'],
        ['tanh', 'xavier'],
      ]) {
        await page.selectOption('#activation', activation!);
        await page.selectOption('#scheme', scheme!);
        await page.waitForFunction(
          ([a, s]) => window.gradwell.status.activation === a && window.gradwell.status.scheme === s,
          [activation, scheme] as const,
        );
      }
    });
    await expectTitledAxes();
    await page.click('#depth-run');
    const depthDone = await settled('the depth study', (s) => s.depthStudy !== undefined, 120_000);
    expect(depthDone.error).toBeUndefined();
    await expectWorkerHoldsNoMore('the depth study');
    const depth = depthDone.depthStudy as {
      heTail: number;
      xavierTail: number;
      heAccuracy: number;
      xavierAccuracy: number;
    };
    // Over the last quarter of the steps: Xavier's loss sits at chance (ln 10 ≈ 2.30), He's has fallen.
    expect(depth.xavierTail).toBeGreaterThan(2.2);
    expect(depth.heTail).toBeLessThan(depth.xavierTail - 0.3);
    expect(depth.heAccuracy).toBeGreaterThan(depth.xavierAccuracy + 0.1);
    await shots('init');
  });

  test('activations: every ticked function has its own no-gradient band, in a colour that stays its own', async () => {
    await open('activations');
    const first = await status();
    expect(first.plotted).toEqual(['relu', 'tanh']);
    const colours = first.colours as Record<string, string>;
    await page.check('#act-sigmoid');
    await page.waitForFunction(() => (window.gradwell.status.plotted as string[]).includes('sigmoid'));
    const after = await status();
    expect(after.series).toBe(3 * 3);
    const shares = after.noGradientShares as Record<string, number>;
    expect(shares.relu).toBeCloseTo(0.5, 1);
    expect(shares.tanh).toBeGreaterThan(0.3);
    expect(shares.sigmoid).toBeGreaterThan(0.05);
    expect((after.colours as Record<string, string>).relu).toBe(colours.relu);
    const bands = (await chart('activation-chart')).series.filter((s) => s.label.endsWith('no gradient'));
    expect(bands.map((b) => b.label)).toEqual([
      'relu: no gradient',
      'sigmoid: no gradient',
      'tanh: no gradient',
    ]);
    // Every activation of the catalogue drawn at once on the page's backend, then back to the three.
    await expectRedrawHoldsNoMore('every activation ticked, and back', async () => {
      const boxes = await page.$$eval('input[id^="act-"]', (inputs) => inputs.map((i) => `#${i.id}`));
      expect(boxes.length).toBeGreaterThan(10);
      for (const box of boxes) await page.check(box);
      await page.waitForFunction(
        (n) => (window.gradwell.status.plotted as string[]).length === n,
        boxes.length,
      );
      for (const box of boxes.filter((b) => !['#act-relu', '#act-tanh', '#act-sigmoid'].includes(b)))
        await page.uncheck(box);
      await page.waitForFunction(
        () => (window.gradwell.status.plotted as string[]).join() === 'relu,sigmoid,tanh',
      );
    });
    await expectTitledAxes();
    await shots('activations');
  });

  test('regularisation: runs overlay and can be removed; early stopping fires and names the epoch it kept; smoothed targets on a log axis; batch norm bands for both networks', async () => {
    await open('regularization');
    await page.click('#train');
    const first = await settled('the first run', (s) => s.trained === true && s.runs === 1, 60_000);
    expect(first.error).toBeUndefined();
    await expectWorkerHoldsNoMore('a regularisation run');
    const early = first.earlyStopping as { bestEpoch: number; stoppedAfter: number; fired: boolean };
    expect(early.fired).toBe(true);
    expect(early.bestEpoch).toBeGreaterThanOrEqual(1);
    expect(early.stoppedAfter).toBe(early.bestEpoch + 2);
    await expect(page.textContent('#status')).resolves.toMatch(
      new RegExp(`stopped after epoch ${early.stoppedAfter} and restored epoch ${early.bestEpoch}`),
    );
    expect(first.valAccuracy as number).toBeGreaterThan(0.8);
    await setRange('#dropout', '0.5');
    await page.click('#train');
    const second = await settled('the second run', (s) => s.runs === 2 && s.trained === true, 60_000);
    expect(second.error).toBeUndefined();
    await page.waitForFunction(() => document.querySelectorAll('#reg-runs li').length === 2);
    const loss = await chart('reg-loss');
    const runColours = new Set(
      loss.series.filter((s) => s.points > 0 && !s.label.endsWith('running')).map((s) => s.color),
    );
    expect(runColours.size).toBe(2);
    expect(await page.textContent('#reg-runs')).toMatch(/dropout 0\.5/);
    await page.click('#reg-runs li:first-child .remove');
    await page.waitForFunction(() => document.querySelectorAll('#reg-runs li').length === 1);
    await setRange('#smoothing', '0.1');
    await page.waitForFunction(() => (window.gradwell.status.targets as number[])[0]! > 0.009);
    const targets = (await status()).targets as number[];
    expect(targets[0]).toBeCloseTo(0.01, 6);
    expect(targets[3]).toBeCloseTo(0.91, 6);
    expect((await chart('targets')).axes.y!.type).toBe('logarithmic');
    await page.click('#bn-run');
    const bnDone = await settled('the batch-norm study', (s) => s.batchNormStudy !== undefined, 90_000);
    expect(bnDone.error).toBeUndefined();
    await expectWorkerHoldsNoMore('the batch-norm study');
    const study = bnDone.batchNormStudy as {
      bands: number;
      withAccuracy: number;
      withoutAccuracy: number;
      points: number;
    };
    const percentiles = await chart('bn-percentiles');
    expect(percentiles.series.map((s) => s.label)).toEqual([
      'without: 15th percentile',
      'without: 85th percentile',
      'without: median',
      'with batch norm: 15th percentile',
      'with batch norm: 85th percentile',
      'with batch norm: median',
    ]);
    expect(percentiles.series.every((s) => s.points === study.points)).toBe(true);
    expect(study.withAccuracy).toBeGreaterThan(study.withoutAccuracy);
    await expectTitledAxes();
    await shots('regularization');
  });

  test('input size: the rescaled digits are shown, and accuracy falls as the CNN meets larger digits', async () => {
    await open('scale');
    await page.waitForFunction(() => window.gradwell.status.digitsDrawn === 8);
    await page.click('#scale-run');
    const scaleDone = await settled('the input-size study', (s) => s.scaleStudy !== undefined, 150_000);
    expect(scaleDone.error).toBeUndefined();
    await expectWorkerHoldsNoMore('the input-size study');
    const rows = scaleDone.scaleStudy as Array<{
      factor: number;
      accuracy: number;
      confidence: number;
    }>;
    const at = (f: number) => rows.find((r) => r.factor === f)!;
    expect(at(1).accuracy).toBeGreaterThan(0.9);
    expect(at(3).accuracy).toBeLessThan(at(1).accuracy - 0.2);
    expect(at(10).accuracy).toBeLessThan(at(1).accuracy - 0.4);
    expect(at(10).confidence).toBeLessThan(at(1).confidence);
    expect((await chart('scale-chart')).axes.x!.type).toBe('logarithmic');
    await expectTitledAxes();
    await shots('scale');
  });

  test('training lab: bad values are refused inline; a CNN trains in the worker while frames never wait 50 ms; runs overlay; diagnostics every epoch with advice; the model downloads', async () => {
    await open('lab');
    // Every initialiser but identity, which fits none of the lab's kernels (none is square).
    const inits = await page.$$eval('#lab-init option', (options) =>
      options.map((o) => (o as HTMLOptionElement).value),
    );
    expect(inits).toEqual(expect.arrayContaining(['heNormal', 'glorotUniform', 'orthogonal', 'zeros']));
    expect(inits).not.toContain('identity');
    // Item 8 of the reliability issue: 0 training digits shows a message, start stays off, the page stays usable.
    await page.fill('#lab-examples', '0');
    await page.dispatchEvent('#lab-examples', 'input');
    await expect(page.textContent('#lab-examples-error')).resolves.toMatch(
      /a whole number from 100 to 12000/,
    );
    await expect(page.isDisabled('#lab-start')).resolves.toBe(true);
    await page.selectOption('#architecture', 'cnn');
    await page.fill('#lab-examples', '12000');
    await page.dispatchEvent('#lab-examples', 'input');
    await expect(page.textContent('#lab-examples-error')).resolves.toBe('');
    await expect(page.isDisabled('#lab-start')).resolves.toBe(false);
    // Three epochs of 12 000 digits: ≈ 30 s here, so the frame window below sees training all along.
    await page.fill('#lab-epochs', '3');
    await page.dispatchEvent('#lab-epochs', 'input');
    // The longest wait between frames in a window: until `end` holds or `seconds` pass; every wait over
    // 25 ms with the training progress when it ended (for the failure message).
    const frameGaps = (seconds: number, end: 'progress' | 'not training') =>
      within(
        `frames for ${seconds} s (until ${end})`,
        (seconds + 30) * 1000,
        page.evaluate(
          ([limit, until]) =>
            new Promise<{ max: number; frames: number; seconds: number; long: string[] }>((resolve) => {
              const start = performance.now();
              let last = start;
              let max = 0;
              let frames = 0;
              const long: string[] = [];
              const done = () =>
                until === 'progress'
                  ? window.gradwell.status.progress !== undefined
                  : window.gradwell.status.training !== true;
              const tick = (t: number) => {
                if (t - last > 25)
                  long.push(
                    `${((t - start) / 1000).toFixed(2)} s: ${(t - last).toFixed(0)} ms (epochs done ${String(window.gradwell.status.progress)})`,
                  );
                max = Math.max(max, t - last);
                last = t;
                frames++;
                if (t < start + limit * 1000 && !done()) requestAnimationFrame(tick);
                else resolve({ max, frames, seconds: (t - start) / 1000, long });
              };
              requestAnimationFrame(tick);
            }),
          [seconds, end] as const,
        ),
      );
    await page.click('#lab-start');
    // Before the first step: the network as initialised (epoch 0), measured while the page waits for it.
    const startUp = await frameGaps(60, 'progress');
    const initial = await status();
    expect(initial.initialDiagnosed).toBe(true);
    // Ten balanced classes and outputs that start out near uniform: the loss starts near ln 10.
    expect(Math.abs((initial.initialValLoss as number) - Math.log(10))).toBeLessThan(0.5);
    expect(initial.initialValAccuracy as number).toBeLessThan(0.3);
    expect((await chart('lab-loss')).series.find((s) => s.label.endsWith('validation'))?.points).toBe(1);
    await expect(page.textContent('#lab-diagnostics-title')).resolves.toBe(
      'Diagnostics at initialisation (no step taken)',
    );
    // Frames during CNN training (from its first batches on, for 20 s or until it ends, at least 10 s): the
    // longest wait between two.
    const gap = await frameGaps(20, 'not training');
    expect(gap.seconds).toBeGreaterThanOrEqual(10);
    expect(gap.max, `waits over 25 ms: ${gap.long.join('; ')}`).toBeLessThan(50);
    const cnn = await settled('the CNN run', (s) => s.trained === true, 120_000);
    expect(cnn.error).toBeUndefined();
    await expectWorkerHoldsNoMore('the CNN run');
    expect(cnn.valAccuracy as number).toBeGreaterThanOrEqual(0.95);
    expect(cnn.diagnosedEpochs).toBe(3);
    console.log(
      `in-page CNN training: ${Math.round(cnn.examplesPerSecond as number)} digits/s (frames: max gap ${gap.max.toFixed(1)} ms, ${gap.frames} frames in ${gap.seconds.toFixed(1)} s; before the first step, initial loss ${(initial.initialValLoss as number).toFixed(3)}: max gap ${startUp.max.toFixed(1)} ms over ${startUp.seconds.toFixed(1)} s)`,
    );
    await expect(page.textContent('#lab-diagnostics-title')).resolves.toBe('Diagnostics after epoch 3');
    expect(await page.locator('#lab-diagnostics tbody tr').count()).toBeGreaterThanOrEqual(4);
    expect(await page.locator('#lab-advice li').count()).toBeGreaterThan(0);
    // Where it goes wrong: the validation digits by true digit and prediction, as the page shows them.
    const matrix = cnn.confusion as number[][];
    const shown = await page.$$eval('#lab-confusion tbody tr', (rows) =>
      rows.map((r) =>
        Array.from(r.querySelectorAll<HTMLTableCellElement>('td'), (td) => Number(td.textContent)).slice(
          0,
          10,
        ),
      ),
    );
    expect(shown).toEqual(matrix);
    expect(matrix.flat().reduce((a, b) => a + b, 0)).toBe(2000);
    const diagonal = matrix.reduce((sum, row, i) => sum + row[i]!, 0);
    expect(diagonal / 2000).toBeCloseTo(cnn.valAccuracy as number, 10);
    await expect(page.textContent('#lab-confusion-note')).resolves.toMatch(
      new RegExp(`^2000 validation digits, ${((cnn.valAccuracy as number) * 100).toFixed(2)}% right`),
    );
    // How far to trust it: the same digits in 10 confidence bins, charted and summed up beside the matrix
    const trust = cnn.calibration as {
      examples: number;
      accuracy: number;
      ece: number;
      bins: Array<{ count: number; accuracy: number | null }>;
    };
    expect(trust.examples).toBe(2000);
    expect(trust.bins.reduce((sum, b) => sum + b.count, 0)).toBe(2000);
    expect(trust.accuracy).toBeCloseTo(cnn.valAccuracy as number, 10);
    const reliability = await chart('lab-calibration');
    expect(reliability.series.map((s) => [s.label, s.points])).toEqual([
      ['accuracy', 10],
      ['mean confidence', 10],
    ]);
    await expect(page.textContent('#lab-calibration-note')).resolves.toMatch(
      new RegExp(`^Expected calibration error ${(trust.ece * 100).toFixed(2)}%: mean confidence`),
    );
    // The pad reads what is drawn on it as MNIST's digits were prepared: a vertical stroke is a 1, and
    // MNIST test digits drawn ten times larger read as their labels.
    await page.locator('#lab-pad').scrollIntoViewIfNeeded();
    const box = (await page.locator('#lab-pad').boundingBox())!;
    const guessed = async (before: number) => {
      await page.waitForFunction((n) => (window.gradwell.status.guesses as number) > n, before);
      return (await status()).guess as Array<{ digit: number; p: number }>;
    };
    await page.mouse.move(box.x + box.width / 2, box.y + box.height * 0.2);
    await page.mouse.down();
    for (let step = 1; step <= 10; step++)
      await page.mouse.move(box.x + box.width / 2, box.y + box.height * (0.2 + 0.06 * step));
    await page.mouse.up();
    const stroke = await guessed(0);
    expect(stroke[0]!.digit).toBe(1);
    expect(stroke.reduce((sum, g) => sum + g.p, 0)).toBeLessThanOrEqual(1 + 1e-6);
    await expect(page.textContent('#lab-guess li')).resolves.toMatch(/^1 — \d+\.\d%$/);
    const digits = readFileSync(path.join(webRoot, 'public', 'data', 'mnist-test-images.idx')).subarray(16);
    const labels = readFileSync(path.join(webRoot, 'public', 'data', 'mnist-test-labels.idx')).subarray(8);
    let read = 0;
    for (let i = 0; i < 5; i++) {
      await page.click('#lab-pad-clear');
      await page.evaluate(
        (pixels) => {
          const small = document.createElement('canvas');
          small.width = small.height = 28;
          const image = small.getContext('2d')!.createImageData(28, 28);
          pixels.forEach((v, k) => image.data.set([v, v, v, 255], k * 4));
          small.getContext('2d')!.putImageData(image, 0, 0);
          const pad = document.querySelector('#lab-pad') as HTMLCanvasElement;
          pad.getContext('2d')!.drawImage(small, 0, 0, 280, 280);
          pad.dispatchEvent(new PointerEvent('pointerup'));
        },
        Array.from(digits.subarray(i * 784, (i + 1) * 784)),
      );
      if ((await guessed(i + 1))[0]!.digit === labels[i]) read++;
    }
    console.log(
      `drawing pad: a stroke read as 1 (${(stroke[0]!.p * 100).toFixed(1)}%), ${read} of 5 test digits`,
    );
    expect(read).toBeGreaterThanOrEqual(4);
    // A second run (an MLP, averaging its weights) overlays the first; the diagnostics start over.
    await page.selectOption('#architecture', 'mlp');
    await page.selectOption('#lab-averaging', 'moving average');
    await page.fill('#lab-epochs', '1');
    await page.dispatchEvent('#lab-epochs', 'input');
    await page.click('#lab-start');
    await expect(page.textContent('#lab-diagnostics-title')).resolves.toMatch(
      /waiting for the first epoch|at initialisation/,
    );
    const mlp = await settled('the MLP run', (s) => s.runs === 2 && s.trained === true, 90_000);
    expect(mlp.error).toBeUndefined();
    expect(await page.locator('#lab-runs li').count()).toBe(2);
    // One epoch of 12 000 digits in batches of 64, every step averaged; the kept model holds the averages
    // (the download below classifies as the lab reported).
    expect(mlp.averagedSteps).toBe(188);
    await expect(page.textContent('#lab-runs li:last-child')).resolves.toMatch(/averaged \(moving average\)/);
    await expect(page.textContent('#lab-status')).resolves.toMatch(/averaged over 188 steps/);
    // ReLU layers report dead units, never saturation.
    const saturatedCells = await page.$$eval('#lab-diagnostics tbody tr', (rows) =>
      rows.map((r) => r.children[4]?.textContent),
    );
    expect(saturatedCells.every((c) => c === '—')).toBe(true);
    // The download is the TensorFlow.js layers format: tfjs-layers itself loads it in a page and classifies
    // the validation digits as the lab reported.
    const files = await downloadedFiles(() => page.click('#lab-download'), 2);
    expect(Object.keys(files).sort()).toEqual(['gradwell-mnist.json', 'gradwell-mnist.weights.bin']);
    await expectWorkerHoldsNoMore('the MLP run and its download');
    const saved = JSON.parse(files['gradwell-mnist.json']!.toString('utf8')) as { format: string };
    expect(saved.format).toBe('layers-model');
    const inLayers = await within(
      'tfjs-layers loading the download and classifying 2 000 digits',
      60_000,
      classifyWithTfjsLayers(files),
    );
    expect(inLayers.classNames).toEqual(['Flatten', 'Dense', 'Dropout', 'Dense', 'Dropout', 'Dense']);
    expect(inLayers.examples).toBe(2000);
    expect(Math.abs(inLayers.accuracy - (mlp.valAccuracy as number))).toBeLessThanOrEqual(0.001);
    // and takes the same digits for the same others: at most the two examples the backends round apart move
    const moved = inLayers.matrix
      .flat()
      .reduce((sum, count, k) => sum + Math.abs(count - (mlp.confusion as number[][]).flat()[k]!), 0);
    expect(moved).toBeLessThanOrEqual(4);
    await expectTitledAxes();
    await shots('lab');
  });

  test('training lab: batch norm with its statistics re-estimated after training (PreciseBN)', async () => {
    await open('lab');
    await page.selectOption('#architecture', 'mlp');
    // the choice waits for batch norm: only its layers have statistics to re-estimate
    await expect(page.isDisabled('#lab-precise-bn')).resolves.toBe(true);
    await page.check('#lab-bn');
    await expect(page.isDisabled('#lab-precise-bn')).resolves.toBe(false);
    await page.check('#lab-precise-bn');
    for (const [field, value] of [
      ['#lab-examples', '3000'],
      ['#lab-epochs', '1'],
    ] as const) {
      await page.fill(field, value);
      await page.dispatchEvent(field, 'input');
    }
    await page.click('#lab-start');
    const run = await settled('the batch-norm run', (s) => s.trained === true, 60_000);
    expect(run.error).toBeUndefined();
    // 47 steps: the running statistics (momentum 0.99) still hold 0.99^47 ≈ 62% of their start (0 and 1),
    // so inference normalises with the wrong scale until they are re-estimated with the final weights.
    const before = run.beforePreciseBn as { valAccuracy: number; valLoss: number };
    console.log(
      `PreciseBN in the lab: validation accuracy ${(before.valAccuracy * 100).toFixed(2)}% → ${((run.valAccuracy as number) * 100).toFixed(2)}%, loss ${before.valLoss.toFixed(4)} → ${(run.valLoss as number).toFixed(4)}`,
    );
    expect(run.valLoss as number).toBeLessThan(before.valLoss);
    expect(run.valAccuracy as number).toBeGreaterThan(before.valAccuracy);
    await expect(page.textContent('#lab-status')).resolves.toMatch(
      /with the batch-norm statistics re-estimated \(\d+\.\d\d% with those of training\)/,
    );
    await expect(page.textContent('#lab-runs li:last-child')).resolves.toMatch(/BN \(precise\)/);
    await expectWorkerHoldsNoMore('a run with PreciseBN');
  });

  test('training lab: weight norm (alone and with mean-only batch norm), started from the first 512 digits, trains the sigmoid MLP that plain SGD stalls on', async () => {
    await open('lab');
    await page.selectOption('#architecture', 'mlp');
    await page.selectOption('#lab-activation', 'sigmoid');
    await page.selectOption('#lab-optimizer', 'sgd');
    // the page keeps the earlier tests' choices: only weight norm may differ between the two runs
    await page.selectOption('#lab-averaging', 'none');
    for (const box of ['#lab-bn-mean-only', '#lab-bn', '#lab-wn', '#lab-augment']) await page.uncheck(box);
    for (const [field, value] of [
      ['#lab-examples', '3000'],
      ['#lab-epochs', '1'],
      ['#lab-lr', '0.1'],
    ] as const) {
      await page.fill(field, value);
      await page.dispatchEvent(field, 'input');
    }
    const runs = (await status()).runs as number;
    await page.click('#lab-start');
    const plain = await settled(
      'the plain sigmoid run',
      (s) => s.runs === runs + 1 && s.trained === true,
      60_000,
    );
    expect(plain.error).toBeUndefined();
    await page.check('#lab-wn');
    await page.click('#lab-start');
    const normalized = await settled(
      'the weight-normalised run',
      (s) => s.runs === runs + 2 && s.trained === true,
      60_000,
    );
    expect(normalized.error).toBeUndefined();
    console.log(
      `weight norm in the lab (sigmoid MLP, SGD 0.1, 3000 digits, 1 epoch): validation accuracy ${((plain.valAccuracy as number) * 100).toFixed(2)}% plain → ${((normalized.valAccuracy as number) * 100).toFixed(2)}%`,
    );
    expect(normalized.valAccuracy as number).toBeGreaterThan((plain.valAccuracy as number) + 0.1);
    await expect(page.textContent('#lab-runs li:last-child')).resolves.toMatch(/sigmoid .* WN .* sgd 0\.1/);
    await expectWorkerHoldsNoMore('a weight-normalised run');
    // weight norm's partner: mean-only batch norm (enabled only with batch norm)
    await expect(page.isDisabled('#lab-bn-mean-only')).resolves.toBe(true);
    await page.check('#lab-bn');
    await page.check('#lab-bn-mean-only');
    await page.uncheck('#lab-precise-bn'); // the earlier test's choice: the figure is training's statistics
    await page.click('#lab-start');
    const paired = await settled(
      'the weight norm + mean-only batch norm run',
      (s) => s.runs === runs + 3 && s.trained === true,
      60_000,
    );
    expect(paired.error).toBeUndefined();
    console.log(
      `weight norm + mean-only batch norm in the lab (same recipe): validation accuracy ${((paired.valAccuracy as number) * 100).toFixed(2)}%`,
    );
    expect(paired.valAccuracy as number).toBeGreaterThan((plain.valAccuracy as number) + 0.1);
    await expect(page.textContent('#lab-runs li:last-child')).resolves.toMatch(
      /sigmoid .* BN \(mean-only\) · WN .* sgd 0\.1/,
    );
    await expectWorkerHoldsNoMore('a weight-normalised, mean-only batch-normalised run');
    // the choices back to the page's own for the tests after this one
    await page.uncheck('#lab-bn-mean-only');
    await page.uncheck('#lab-bn');
    await page.uncheck('#lab-wn');
    await page.selectOption('#lab-activation', 'relu');
    await page.selectOption('#lab-optimizer', 'adam');
    await page.fill('#lab-lr', '0.001');
    await page.dispatchEvent('#lab-lr', 'input');
  });

  test('training lab: pause holds a run between batches, resume goes on, stop ends it early and keeps the model', async () => {
    await open('lab');
    await page.selectOption('#architecture', 'mlp');
    for (const [field, value] of [
      ['#lab-examples', '12000'],
      ['#lab-epochs', '20'],
    ] as const) {
      await page.fill(field, value);
      await page.dispatchEvent(field, 'input');
    }
    await page.click('#lab-start');
    const progress = async () => ((await status()).progress as number | undefined) ?? 0;
    await page.waitForFunction(() => ((window.gradwell.status.progress as number | undefined) ?? 0) > 0.2);
    await page.click('#lab-pause');
    await expect(page.textContent('#lab-pause')).resolves.toBe('resume');
    // The worker ends the batch it is in and holds; the progress it sent before arrives, then no more.
    await page.waitForTimeout(500);
    const held = await progress();
    await page.waitForTimeout(1500);
    expect(await progress()).toBe(held);
    expect((await status()).training).toBe(true);
    await page.click('#lab-pause');
    await expect(page.textContent('#lab-pause')).resolves.toBe('pause');
    await page.waitForFunction((p) => (window.gradwell.status.progress as number) > p, held);
    await page.click('#lab-stop');
    const stopped = await settled('the stopped run', (s) => s.trained === true, 60_000);
    expect(stopped.error).toBeUndefined();
    expect(stopped.epochs as number).toBeLessThan(20);
    await expect(page.textContent('#lab-status')).resolves.toMatch(/stopped in the page/);
    await expect(page.isDisabled('#lab-download')).resolves.toBe(false);
    await expectWorkerHoldsNoMore('a stopped run');
  });
});
