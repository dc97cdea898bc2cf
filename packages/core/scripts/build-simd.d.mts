/** The generated `simd-binary.generated.ts` for the current `kernels.wat` (see build-simd.mjs). */
export function generateSimdModule(source?: string): Promise<string>;
