// @ts-check
/**
 * End-to-end set-up: Debian's chromium (installed with apt when missing and running as root; otherwise
 * a failure that names the command), the built site served by `vite preview` with its isolation headers,
 * and a playwright-core browser. Never a silent skip.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const artifactsDir = path.join(appDir, 'artifacts');

/** @param {string} command @returns {string | undefined} */
function which(command) {
  const r = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/**
 * The chromium binary, installing Debian's package when it is missing and we may.
 * @returns {string}
 */
export function ensureChromium() {
  const found = which('chromium');
  if (found !== undefined) return found;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (root && which('apt-get') !== undefined) {
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium'], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    const installed = which('chromium');
    if (installed !== undefined) return installed;
  }
  throw new Error(
    "the web app's end-to-end tests and browser benchmark need Debian's chromium, which is not installed: run `sudo apt-get install -y chromium` and run them again.",
  );
}

/**
 * Builds the site when dist/ is missing (pnpm test builds it first through turbo).
 * @returns {void}
 */
export function ensureBuilt() {
  if (
    existsSync(path.join(appDir, 'dist', 'index.html')) &&
    existsSync(path.join(appDir, 'dist', 'data', 'mnist-train-images.idx'))
  )
    return;
  execFileSync(process.execPath, [path.join(appDir, 'scripts', 'prepare-assets.mjs')], {
    stdio: 'inherit',
    cwd: appDir,
  });
  execFileSync(process.execPath, [path.join(appDir, 'node_modules', 'vite', 'bin', 'vite.js'), 'build'], {
    stdio: 'inherit',
    cwd: appDir,
  });
}

/**
 * `vite preview` on a free port; resolves with its URL once it listens.
 * @returns {Promise<{ url: string, server: import('node:child_process').ChildProcess }>}
 */
export function startPreview() {
  const port = 4300 + Math.floor(Math.random() * 500);
  const server = spawn(
    process.execPath,
    [
      path.join(appDir, 'node_modules', 'vite', 'bin', 'vite.js'),
      'preview',
      '--port',
      String(port),
      '--strictPort',
      '--host',
      '127.0.0.1',
    ],
    { cwd: appDir },
  );
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`vite preview did not start: ${output}`)), 60_000);
    const onData = (/** @type {Buffer} */ d) => {
      output += d.toString();
      if (output.includes(`${port}`)) {
        clearTimeout(timer);
        resolve({ url: `http://127.0.0.1:${port}/`, server });
      }
    };
    server.stdout.on('data', onData);
    server.stderr.on('data', onData);
    server.on('exit', (code) => reject(new Error(`vite preview exited with ${code}: ${output}`)));
  });
}

/** @param {string} executablePath @returns {Promise<import('playwright-core').Browser>} */
export async function launch(executablePath) {
  mkdirSync(artifactsDir, { recursive: true });
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
