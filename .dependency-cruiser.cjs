/**
 * Layer rules from style.md: dependencies point one way, apps -> features -> domain.
 * Run with `npm run depcruise` (depcruise apps libs --config .dependency-cruiser.cjs).
 */

// Packages that make code impure (framework, persistence, queue, transport).
const FRAMEWORK_PACKAGES = '(@nestjs|@bull-board|typeorm|bullmq|ioredis|pg|pg-[^/]+|express)(/|$)';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Circular dependency. Invert it (an interface or an event) instead of patching it with forwardRef.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'domain-no-frameworks',
      severity: 'error',
      comment: 'libs/domain is pure TypeScript: no @nestjs/*, typeorm, bullmq, ioredis, pg or express.',
      from: { path: '^libs/domain/' },
      // Resolved packages live under node_modules/; unresolved ones show up by their bare name.
      to: { path: [`(^|/)node_modules/${FRAMEWORK_PACKAGES}`, `^${FRAMEWORK_PACKAGES}`] },
    },
    {
      name: 'domain-self-contained',
      severity: 'error',
      comment: 'libs/domain may import only itself, node builtins and npm packages (xstate, date-holidays, ...).',
      from: { path: '^libs/domain/' },
      to: {
        pathNot: '^libs/domain/',
        dependencyTypesNot: ['core', 'npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-bundled', 'npm-no-pkg'],
      },
    },
    {
      name: 'libs-not-to-apps',
      severity: 'error',
      comment: 'Nothing imports an app.',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'api-not-to-worker',
      severity: 'error',
      comment: 'The api app does not import the worker app; only the composition root (apps/api/src/main.ts) may.',
      from: { path: '^apps/api/', pathNot: '^apps/api/src/main\\.ts$' },
      to: { path: '^apps/worker/' },
    },
    {
      name: 'api-main-to-worker-entry-only',
      severity: 'error',
      comment: 'The composition root may import the worker module or a worker bootstrap file, nothing deeper.',
      from: { path: '^apps/api/src/main\\.ts$' },
      to: {
        path: '^apps/worker/',
        pathNot: '^apps/worker/src/(worker\\.module|main|[^/]*bootstrap[^/]*)\\.ts$',
      },
    },
    {
      name: 'worker-not-to-api',
      severity: 'error',
      comment: 'The worker app does not import the api app.',
      from: { path: '^apps/worker/' },
      to: { path: '^apps/api/' },
    },
    {
      name: 'lib-public-api-only',
      severity: 'error',
      comment:
        "Use another lib through its index (import from '@makebuy/<name>'), not its internal files. " +
        'Export what others need from libs/<name>/src/index.ts.',
      // $1 is the importing app or lib, e.g. libs/cases: a lib may reach its own files.
      from: { path: '^((?:apps|libs)/[^/]+)/' },
      to: {
        path: '^libs/[^/]+/',
        pathNot: ['^$1/', '^libs/[^/]+/src/index\\.ts$', '^libs/[^/]+/src/testing/index\\.ts$'],
      },
    },
    {
      name: 'not-to-dev-dep',
      severity: 'error',
      comment:
        'Runtime code must not need a devDependency: the Docker image installs with npm ci --omit=dev. ' +
        'Type-only imports are fine; test helpers belong in a testing/ folder or a spec file. ' +
        'The console is bundled at build time (its packages are build tools, not runtime dependencies).',
      from: { path: '^(apps|libs)/', pathNot: ['/testing/', '^apps/console/'] },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only', 'pre-compilation-only'] },
    },
    {
      name: 'console-is-an-api-client',
      severity: 'error',
      comment: 'The console uses only the public REST API, like any other client: it imports no app or lib.',
      from: { path: '^apps/console/' },
      to: { path: ['^libs/', '^apps/(?!console/)'] },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: "Import that resolves to nothing on disk (a typo, or a '@makebuy/<lib>/deep/path' import).",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['\\.spec\\.ts$', '\\.e2e-spec\\.ts$', '(^|/)dist/'] },
    // Count `import type` too: a type import from typeorm still couples the domain to it.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['require', 'node', 'default', 'types'],
      mainFields: ['main', 'types', 'typings'],
    },
    skipAnalysisNotInRules: true,
  },
};
