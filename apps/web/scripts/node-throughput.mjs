#!/usr/bin/env node
/**
 * The training lab's CNN recipe, trained in Node on the same machine: the reference for the in-page figure
 * that the e2e test prints ("in-page CNN training: … digits/s"). Same model (cnnPreset, ReLU, paired
 * init, dropout 0.2), same data (the site's first 12 000 training digits, 2 000 validation digits), Adam
 * 1e-3, batch 64, seed 1, `yieldEveryMs: 50`, and the same measure: digits per second of batch steps
 * (onBatchBegin → onBatchEnd), over two epochs. One process per thread count, as in the page's worker;
 * `auto` is setupBackend's default (every core, at most 8). `--json` prints one JSON line a process
 * ({ node, threads, digitsPerSecond }) instead of a sentence: the browser bench reads it.
 *
 *   pnpm --filter @gradwell/web build && node apps/web/scripts/node-throughput.mjs [--json] [threads|auto…]
 *   (default: 1 2)
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const data = path.join(here, '..', 'public', 'data');
const json = process.argv.includes('--json');
const args = process.argv.slice(2).filter((a) => a !== '--json');

if (process.env.GRADWELL_THROUGHPUT_CHILD === undefined) {
  const counts = args.length > 0 ? args : ['1', '2'];
  for (const threads of counts) {
    if (threads !== 'auto' && !(Number.isInteger(Number(threads)) && Number(threads) >= 1))
      throw new Error(`node-throughput: a thread count must be a whole number ≥ 1 or auto, not ${threads}`);
    const out = execFileSync(
      process.execPath,
      [fileURLToPath(import.meta.url), threads, ...(json ? ['--json'] : [])],
      {
        env: { ...process.env, GRADWELL_THROUGHPUT_CHILD: '1' },
        encoding: 'utf8',
      },
    );
    process.stdout.write(out);
  }
} else {
  const { setupBackend } = await import('@gradwell/core');
  const { cnnPreset, decodeIdx, fit, hostDataset } = await import('@gradwell/trainer');
  const report = await setupBackend(args[0] === 'auto' ? {} : { threads: Number(args[0]) });

  const load = (name) => {
    const images = decodeIdx(readFileSync(path.join(data, `mnist-${name}-images.idx`)));
    const labels = decodeIdx(readFileSync(path.join(data, `mnist-${name}-labels.idx`)));
    const values = Float32Array.from(images.data, (v) => v / 255);
    return hostDataset(values, Int32Array.from(labels.data), [28, 28, 1], { numClasses: 10 });
  };
  const train = load('train');
  const validation = load('test');
  const net = cnnPreset({ activation: 'relu', dropout: 0.2, seed: 1 });
  let stepSeconds = 0;
  let stepExamples = 0;
  let begin = 0;
  await fit(net, train, {
    epochs: 2,
    batchSize: 64,
    seed: 1,
    optimizer: { name: 'adam', learningRate: 0.001 },
    validation,
    yieldEveryMs: 50,
    callbacks: [
      {
        onBatchBegin() {
          begin = performance.now();
        },
        onBatchEnd(_batch, logs) {
          stepSeconds += (performance.now() - begin) / 1000;
          stepExamples += logs.size ?? 0;
        },
      },
    ],
  });
  const digitsPerSecond = stepExamples / stepSeconds;
  if (json) console.log(JSON.stringify({ node: process.version, threads: report.threads, digitsPerSecond }));
  else
    console.log(
      `Node ${process.version}, wasm SIMD (${report.simdFlavour}), ${report.threads} thread${report.threads === 1 ? '' : 's'}: ` +
        `${Math.round(digitsPerSecond)} digits/s (lab CNN recipe, ${train.size} digits × 2 epochs)`,
    );
  net.dispose();
  train.dispose();
  validation.dispose();
}
