#!/usr/bin/env node
/**
 * Runs the workspace benchmarks: every `packages/<name>/bench/*.bench.mjs` and `apps/<name>/bench/*.bench.mjs`
 * (the web app's: the page against Node, in Debian's chromium), each in its own process
 * (so one suite's kernel set-up cannot affect another's). Each suite writes JSON rows to the file named
 * by BENCH_OUTPUT. Writes bench-results.json and bench-results.md at the root (the suites run now
 * replace their rows; the others' rows stay, each with when it was measured) and prints the table.
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

const suites = ['packages', 'apps']
  .flatMap((kind) => readdirSync(path.join(root, kind)).map((name) => path.join(root, kind, name)))
  .flatMap((pkg) => {
    const dir = path.join(pkg, 'bench');
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

// A run of some suites keeps the other suites' rows from the previous results (each row says when and
// where it was measured), so bench-results.md always holds every suite's latest rows.
const ranSuites = new Set(rows.map((r) => r.suite));
const previousFile = path.join(root, 'bench-results.json');
let previous;
try {
  previous = existsSync(previousFile) ? JSON.parse(readFileSync(previousFile, 'utf8')) : undefined;
} catch (error) {
  console.error(`(previous ${path.basename(previousFile)} unreadable, not merged: ${error.message})`);
}
const kept = (previous?.rows ?? [])
  .filter((r) => !ranSuites.has(r.suite))
  .map((r) => ({ measured: previous.machine, ...r }));

const machine = {
  node: process.version,
  platform: `${process.platform}-${process.arch}`,
  date: new Date().toISOString(),
};
const allRows = [...kept, ...rows.map((r) => ({ measured: machine, ...r }))];
writeFileSync(
  path.join(root, 'bench-results.json'),
  `${JSON.stringify({ machine, rows: allRows }, null, 2)}\n`,
);

const format = (v, digits = 2) =>
  v === undefined || v === null ? '' : typeof v === 'number' ? v.toFixed(digits) : String(v);
const lines = [
  `| suite | benchmark | median ms | runs | reference | reference ms | speed-up | target | met | note | measured |`,
  `|---|---|---:|---:|---|---:|---:|---|---|---|---|`,
  ...allRows.map((r) =>
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
      `${r.measured.date.slice(0, 16).replace('T', ' ')} UTC, Node ${r.measured.node}`,
    ]
      .join(' | ')
      .replace(/^/, '| ')
      .replace(/$/, ' |'),
  ),
];
const markdown = `# gradwell benchmarks\n\n${machine.platform}, Node ${machine.node}, ${machine.date}\n\n${lines.join('\n')}\n`;
writeFileSync(path.join(root, 'bench-results.md'), markdown);
console.log(`\n${markdown}`);
