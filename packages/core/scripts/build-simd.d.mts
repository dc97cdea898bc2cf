/** The generated `simd-binary.generated.ts` for the current `kernels.wat` (see build-simd.mjs). */
export function generateSimdModule(source?: string): Promise<string>;
/** `source` with `$productBlockPanels` added after its general product sweep (see build-simd.mjs). */
export function withPanelSweep(source: string): string;
