/** Collects a suite's rows and writes them where scripts/bench.mjs reads them (or prints them). */
import { writeFileSync } from 'node:fs';

export const quick = process.env.BENCH_QUICK === '1';

export function createReport(suite) {
  const rows = [];
  return {
    /** Adds a row; `reference` and `speedup` compare it with another measurement from the same run. */
    add(row) {
      const full = { suite, ...row };
      if (row.reference?.medianMs !== undefined && row.medianMs !== undefined)
        full.speedup = row.reference.medianMs / row.medianMs;
      rows.push(full);
      const ref = full.reference
        ? ` vs ${full.reference.name} ${full.reference.medianMs?.toFixed(2)} ms (${full.speedup?.toFixed(1)}×)`
        : '';
      console.error(
        `  ${full.name}: ${full.medianMs?.toFixed(2)} ms${ref}${full.note ? ` — ${full.note}` : ''}`,
      );
    },
    write() {
      const output = process.env.BENCH_OUTPUT;
      if (output) writeFileSync(output, JSON.stringify(rows));
      else console.log(JSON.stringify(rows, null, 2));
    },
  };
}
