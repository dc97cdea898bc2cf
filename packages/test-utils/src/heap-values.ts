/**
 * Seeded float32 inputs for kernels tested on raw memory (gradwell's SIMD module on a bare
 * `WebAssembly.Memory`), where a tensor would be in the way: a 32-bit linear congruential sequence, the
 * same on every run and runtime, with special values (NaN, ±∞, ±0, ties) mixed in where asked.
 */
export interface SeededFloatsOptions {
  /** The plain values lie in [−scale, scale). Default 1. */
  scale?: number;
  /** Values put at every `every`-th position (from `at`), picked by the sequence. */
  special?: readonly number[];
  every?: number;
  at?: number;
}

export function seededFloats(count: number, seed: number, options: SeededFloatsOptions = {}): Float32Array {
  const { scale = 1, special = [], every = 3, at = 1 } = options;
  const out = new Float32Array(count);
  let state = seed >>> 0;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] =
      special.length > 0 && i % every === at
        ? (special[(state >>> 8) % special.length] as number)
        : (state / 2 ** 32) * (2 * scale) - scale;
  }
  return out;
}
