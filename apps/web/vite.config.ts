import { defineConfig } from 'vite';

/**
 * Cross-origin isolation (COOP + COEP) is what lets the page use SharedArrayBuffer, and so the threaded
 * SIMD wasm build; the dev server and `vite preview` both send the headers.
 */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  base: './',
  server: { headers: ISOLATION_HEADERS },
  preview: { headers: ISOLATION_HEADERS, port: 4173, strictPort: false },
  // Not minified: tfjs-backend-wasm starts its pthread workers from the *source text* of the threaded
  // build's factory function (Function.prototype.toString), which minification breaks by renaming the
  // outer variables it refers to ("e is not defined" in every worker).
  build: { target: 'es2022', chunkSizeWarningLimit: 8000, minify: false },
  optimizeDeps: { exclude: ['@tensorflow/tfjs-backend-wasm'] },
});
