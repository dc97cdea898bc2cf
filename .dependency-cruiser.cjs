/**
 * The layering of architecture.md, checked on every import (`pnpm lint` runs `depcruise`):
 * core imports no gradwell package; the technique packages import only core; the trainer imports core
 * and the technique packages; datasets adds the trainer; the apps import published packages only; no
 * file-level circles; no reaching into another package's files by relative path. Tests may import
 * across (they check packages together), but no shipped file imports a test helper.
 */
const TEST = '\\.test\\.ts$';
const TECHNIQUE = '(activations|init|augment|regularizers|batchnorm)';
const PRIVATE = '^packages/(test-utils|bench-kit)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'not-resolvable',
      comment:
        'An import of a package the importing package does not declare (pnpm links only declared ones). ' +
        "('tfjs-core-gradients:' is the virtual module core's build plugin provides.)",
      severity: 'error',
      from: {},
      to: { couldNotResolve: true, pathNot: ['package\\.json$', '^tfjs-core-gradients:'] },
    },
    {
      name: 'no-circular',
      comment: 'Modules that import each other, directly or through others, cannot be read (or split) alone.',
      severity: 'error',
      from: { path: '^(packages|apps)/[^/]+/src/' },
      to: { circular: true },
    },
    {
      name: 'core-imports-no-gradwell-package',
      comment: 'core is the base every package stands on.',
      severity: 'error',
      from: { path: '^packages/core/src/', pathNot: TEST },
      to: { path: '^(packages|apps)/', pathNot: '^packages/core/' },
    },
    {
      name: 'technique-packages-import-only-core',
      comment: 'activations, init, augment, regularizers and batchnorm each install alone, next to core.',
      severity: 'error',
      from: { path: `^packages/${TECHNIQUE}/src/`, pathNot: TEST },
      to: { path: '^(packages|apps)/', pathNot: ['^packages/core/', '^packages/$1/'] },
    },
    {
      name: 'trainer-imports-core-and-techniques',
      comment: 'The trainer ties core and the technique packages together (augment only by shape).',
      severity: 'error',
      from: { path: '^packages/trainer/src/', pathNot: TEST },
      to: {
        path: '^(packages|apps)/',
        pathNot: ['^packages/(core|trainer|activations|init|regularizers|batchnorm)/'],
      },
    },
    {
      name: 'datasets-imports-core-augment-trainer',
      comment: "The Node data loaders build the trainer's datasets and decode images with augment.",
      severity: 'error',
      from: { path: '^packages/datasets/src/', pathNot: TEST },
      to: { path: '^(packages|apps)/', pathNot: ['^packages/(core|augment|trainer|datasets)/'] },
    },
    {
      name: 'apps-import-published-packages',
      comment: 'The apps use what users install: no private helpers, no reaching into a package’s files.',
      severity: 'error',
      from: { path: '^apps/[^/]+/src/', pathNot: TEST },
      to: { path: [PRIVATE, '^packages/[^/]+/src/'] },
    },
    {
      name: 'packages-import-no-app',
      severity: 'error',
      from: { path: '^packages/' },
      to: { path: '^apps/' },
    },
    {
      name: 'shipped-code-imports-no-test-helper',
      severity: 'error',
      from: { path: '^(packages|apps)/[^/]+/src/', pathNot: [TEST, PRIVATE] },
      to: { path: PRIVATE },
    },
    {
      name: 'no-relative-reach-into-another-package',
      comment: 'Import a package by its name (its exports), never ../../other-package/….',
      severity: 'error',
      from: { path: '^(packages|apps)/([^/]+)/' },
      to: {
        path: '^(packages|apps)/',
        pathNot: '^$1/$2/',
        dependencyTypes: ['local'],
        dependencyTypesNot: ['aliased-tsconfig'],
      },
    },
  ],
  options: {
    // Workspace packages resolve (through their node_modules links and `exports`) to packages/<name>/dist:
    // they show up as the package they are, and are not followed further.
    doNotFollow: { path: ['node_modules', '/dist/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types'],
      extensions: ['.ts', '.mjs', '.js', '.cjs', '.d.ts'],
    },
  },
};
