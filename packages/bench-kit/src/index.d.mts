export interface BenchRow {
  name: string;
  medianMs?: number;
  runs?: number;
  reference?: { name: string; medianMs?: number };
  target?: string;
  met?: boolean;
  note?: string;
  [key: string]: unknown;
}
export declare const quick: boolean;
export declare function createReport(suite: string): { add(row: BenchRow): void; write(): void };
export declare function medianMs(fn: () => void, options?: { warmup?: number; runs?: number }): number;
export { loadMnistSplit } from './mnist.mjs';
