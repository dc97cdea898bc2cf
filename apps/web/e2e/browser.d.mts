import type { ChildProcess } from 'node:child_process';
import type { Browser } from 'playwright-core';

/** apps/web. */
export declare const appDir: string;
/** apps/web/artifacts: screenshots and what the tests save. */
export declare const artifactsDir: string;
/** The chromium binary, installing Debian's package when it is missing and we may (root with apt). */
export declare function ensureChromium(): string;
/** Builds the site when dist/ is missing. */
export declare function ensureBuilt(): void;
/** `vite preview` of dist/ (with the isolation headers) on a free port; resolves once it listens. */
export declare function startPreview(): Promise<{ url: string; server: ChildProcess }>;
/** Headless chromium at `executablePath`. */
export declare function launch(executablePath: string): Promise<Browser>;
