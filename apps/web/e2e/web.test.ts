/**
 * The web app in a real browser: each page opened, a control changed and what is drawn checked (a
 * screenshot per page kept in artifacts/), cross-origin isolation and the thread count confirmed, and
 * MNIST trained in the page to ≥ 90% validation accuracy with the page staying responsive.
 */
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { artifactsDir, ensureBuilt, ensureChromium, launch, startPreview } from './browser';

let browser: Browser;
let server: ChildProcess;
let url: string;
let page: Page;

beforeAll(async () => {
  const executable = ensureChromium();
  ensureBuilt();
  ({ url, server } = await startPreview());
  browser = await launch(executable);
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (error) => console.error('page error:', error.message));
});

afterAll(async () => {
  await browser?.close();
  server?.kill();
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

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(artifactsDir, `${name}.png`), fullPage: true });
}

describe('the site', () => {
  test('is cross-origin isolated and runs the threaded SIMD wasm backend', async () => {
    await open('augment');
    const info = await page.evaluate(() => ({
      backend: window.gradwell.backend,
      isolated: globalThis.crossOriginIsolated,
      cores: navigator.hardwareConcurrency,
    }));
    expect(info.isolated).toBe(true);
    expect(info.backend).toMatchObject({ backend: 'wasm', simd: true, crossOriginIsolated: true });
    expect(info.backend!.threads).toBe(Math.min(info.cores, 4));
    if (info.cores > 1) expect(info.backend!.threads).toBeGreaterThan(1);
    await expect(page.textContent('#backend')).resolves.toMatch(
      /wasm SIMD · \d+ threads? · cross-origin isolated/,
    );
  });

  test('augmentation: eight samples drawn; grayscale turns them grey; the seed is settable', async () => {
    await open('augment');
    const drawn = () =>
      page.evaluate(() =>
        Array.from(document.querySelectorAll<HTMLCanvasElement>('.grid canvas')).map((c) => {
          const d = (c.getContext('2d') as CanvasRenderingContext2D).getImageData(
            0,
            0,
            c.width,
            c.height,
          ).data;
          let colour = 0;
          let spread = 0;
          for (let i = 0; i < d.length; i += 4) {
            colour += Math.abs(d[i]! - d[i + 1]!) + Math.abs(d[i + 1]! - d[i + 2]!);
            spread += Math.abs(d[i]! - d[0]!);
          }
          return { width: c.width, colour: colour / (d.length / 4), spread: spread / (d.length / 4) };
        }),
      );
    const before = await drawn();
    expect(before).toHaveLength(8);
    for (const c of before) {
      expect(c.width).toBe(160);
      expect(c.spread).toBeGreaterThan(1);
    }
    expect(before.some((c) => c.colour > 2)).toBe(true);
    await page.check('#gray');
    await page.waitForFunction(() => (window.gradwell.status.steps as string[]).includes('grayscale'));
    for (const c of await drawn()) expect(c.colour).toBeLessThan(0.5);
    await page.fill('#seed', '42');
    await page.dispatchEvent('#seed', 'change');
    await page.waitForFunction(() => window.gradwell.status.seed === 42);
    await expect(page.textContent('.note:not(:first-of-type)')).resolves.toBeDefined();
    await page.uncheck('#gray');
    await page.waitForFunction(() => !(window.gradwell.status.steps as string[]).includes('grayscale'));
    for (const norm of ['max-norm', 'min-max', 'mean subtraction', 'standardize']) {
      await page.selectOption('#norm', norm);
      await page.waitForFunction((n) => window.gradwell.status.normalisation === n, norm);
    }
    await page.selectOption('#source', 'digits');
    await page.waitForFunction(() => window.gradwell.status.source === 'digits');
    expect((await drawn())[0]!.width).toBe(28);
    await page.selectOption('#source', 'photo');
    await page.selectOption('#norm', 'none');
    await page.waitForFunction(
      () => window.gradwell.status.source === 'photo' && window.gradwell.status.normalisation === 'none',
    );
    await shot('augment');
  });

  test('initialisation: too-small weights collapse the tanh signal, Xavier keeps it; gradient histograms drawn', async () => {
    await open('init');
    await page.selectOption('#activation', 'tanh');
    await page.selectOption('#scheme', 'tooSmall');
    await page.waitForFunction(
      () => window.gradwell.status.scheme === 'tooSmall' && window.gradwell.status.activation === 'tanh',
    );
    const small = await status();
    expect((small.stds as number[]).at(-1)).toBeLessThan(1e-3);
    await page.selectOption('#scheme', 'xavier');
    await page.waitForFunction(() => window.gradwell.status.scheme === 'xavier');
    const xavier = await status();
    expect((xavier.stds as number[]).at(-1)).toBeGreaterThan(0.1);
    expect((xavier.gradientStds as number[]).every((s) => s > 0)).toBe(true);
    expect(await page.locator('.charts canvas').count()).toBe(2 * (xavier.layers as number));
    await shot('init');
  });

  test('activations: plotting another activation adds its f and f′; the no-gradient region is measured', async () => {
    await open('activations');
    const first = await status();
    expect(first.plotted).toEqual(['relu', 'tanh']);
    await page.check('#act-sigmoid');
    await page.waitForFunction(() => (window.gradwell.status.plotted as string[]).includes('sigmoid'));
    const after = await status();
    expect(after.series).toBe(2 * 3 + 1);
    expect(after.noGradientShare).toBeCloseTo(0.5, 1);
    await shot('activations');
  });

  test('regularisation and batch norm: trains in the page with live curves, BN distributions and smoothed targets', async () => {
    await open('regularization');
    await page.fill('#epochs', '4');
    await page.click('#train');
    await page.waitForFunction(() => window.gradwell.status.trained === true, undefined, {
      timeout: 240_000,
    });
    const s = await status();
    expect(s.valAccuracy as number).toBeGreaterThan(0.85);
    expect(await page.locator('#before-batch-norm').count()).toBe(1);
    expect(await page.locator('#targets').count()).toBe(1);
    const points = await page.evaluate(
      () => (document.querySelector('#reg-accuracy') as HTMLCanvasElement).width,
    );
    expect(points).toBeGreaterThan(0);
    await shot('regularization');
  });

  test('training lab: MNIST to ≥ 90% validation accuracy in the page, which stays responsive; diagnostics and download', async () => {
    await open('lab');
    await page.evaluate(() => {
      (window as unknown as { frames: number }).frames = 0;
      const tick = () => {
        (window as unknown as { frames: number }).frames++;
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    await page.click('#lab-start');
    await page.waitForFunction(
      () => window.gradwell.status.trained === true || window.gradwell.status.error !== undefined,
      undefined,
      { timeout: 280_000 },
    );
    const s = await status();
    expect(s.error).toBeUndefined();
    expect(s.valAccuracy as number).toBeGreaterThanOrEqual(0.9);
    const frames = await page.evaluate(() => (window as unknown as { frames: number }).frames);
    expect(frames / (s.seconds as number)).toBeGreaterThan(5);
    expect(await page.locator('#lab-diagnostics tr').count()).toBeGreaterThan(2);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#lab-download')]);
    expect(download.suggestedFilename()).toMatch(/^gradwell-mnist-(model\.json|weights\.bin)$/);
    await shot('lab');
  });
});
