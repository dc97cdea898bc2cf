#!/usr/bin/env node
/**
 * Runs the workspace benchmarks: every `packages/<name>/bench/*.bench.mjs`, each in its own process
 * (so one suite's kernel set-up cannot affect another's). Each suite writes JSON rows to the file named
 * by BENCH_OUTPUT. Writes bench-results.json and bench-results.md at the root and prints the table.
 *
 *   pnpm bench                 all suites
 *   pnpm bench -- core         suites whose package or file name contains "core"
 *   pnpm bench -- --quick      fewer runs, and the slowest references (cpu training steps) skipped
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2).filter((a) => a !== '--');
const quick = args.includes('--quick');
const filters = args.filter((a) => !a.startsWith('--'));

const suites = readdirSync(path.join(root, 'packages'))
  .flatMap((pkg) => {
    const dir = path.join(root, 'packages', pkg, 'bench');
    return existsSync(dir)
      ? readdirSync(dir)
          .filter((f) => f.endsWith('.bench.mjs'))
          .map((f) => path.join(dir, f))
      : [];
  })
  .filter((file) => filters.length === 0 || filters.some((f) => file.includes(f)));

const scratch = mkdtempSync(path.join(tmpdir(), 'gradwell-bench-'));
const rows = [];
for (const file of suites) {
  const output = path.join(scratch, `${path.basename(file)}.json`);
  console.error(`\n▶ ${path.relative(root, file)}`);
  execFileSync(process.execPath, [file], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, BENCH_OUTPUT: output, BENCH_QUICK: quick ? '1' : '' },
  });
  rows.push(...JSON.parse(readFileSync(output, 'utf8')));
}

const machine = {
  node: process.version,
  platform: `${process.platform}-${process.arch}`,
  date: new Date().toISOString(),
};
writeFileSync(path.join(root, 'bench-results.json'), `${JSON.stringify({ machine, rows }, null, 2)}\n`);

const format = (v, digits = 2) =>
  v === undefined || v === null ? '' : typeof v === 'number' ? v.toFixed(digits) : String(v);
const lines = [
  `| suite | benchmark | median ms | runs | reference | reference ms | speed-up | target | met | note |`,
  `|---|---|---:|---:|---|---:|---:|---|---|---|`,
  ...rows.map((r) =>
    [
      r.suite,
      r.name,
      format(r.medianMs),
      r.runs ?? '',
      r.reference?.name ?? '',
      format(r.reference?.medianMs),
      r.speedup === undefined ? '' : `${format(r.speedup, 1)}×`,
      r.target ?? '',
      r.met === undefined ? '' : r.met ? 'yes' : 'no',
      r.note ?? '',
    ]
      .join(' | ')
      .replace(/^/, '| ')
      .replace(/$/, ' |'),
  ),
];
const markdown = `# gradwell benchmarks\n\n${machine.platform}, Node ${machine.node}, ${machine.date}\n\n${lines.join('\n')}\n`;
writeFileSync(path.join(root, 'bench-results.md'), markdown);
console.log(`\n${markdown}`);
