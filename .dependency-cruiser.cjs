/**
 * Layer rules from style.md: dependencies point one way, apps -> features -> domain.
 * Run with `npm run depcruise` (depcruise apps libs --config .dependency-cruiser.cjs).
 */

// Packages that make code impure (framework, persistence, queue, transport).
const FRAMEWORK_PACKAGES = '(@nestjs|@bull-board|typeorm|bullmq|ioredis|pg|pg-[^/]+|express)(/|$)';

/** Libraries below the features. */
const FOUNDATION_LIBS = ['domain', 'settings', 'database', 'queue', 'metrics', 'auth', 'directory', 'cases'];

/**
 * The features, side by side on one floor above `cases`, and which of their peers each may use
 * (through the peer's exported services only, see lib-public-api-only). Everything else between
 * features is composed in libs/case-workflow.
 */
const FEATURE_PEERS = {
  conflicts: ['notifications'],
  tendering: ['conflicts'],
  flags: ['conflicts', 'tendering'],
  deadlines: ['notifications'],
  notifications: [],
};
const FEATURE_LIBS = Object.keys(FEATURE_PEERS);

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
      name: 'apps-not-to-each-other',
      severity: 'error',
      comment: 'No app imports another; only the entry point (apps/main.ts) composes them.',
      from: { path: '^apps/(api|worker|console)/' },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    {
      name: 'entry-to-app-entries-only',
      severity: 'error',
      comment: 'The entry point uses each app through its bootstrap, module or main file, nothing deeper.',
      from: { path: '^apps/main\\.ts$' },
      to: {
        path: '^apps/(api|worker)/',
        pathNot: ['^apps/api/src/bootstrap\\.ts$', '^apps/worker/src/(worker\\.module|main)\\.ts$'],
      },
    },
    {
      name: 'nothing-imports-the-entry',
      severity: 'error',
      comment: 'apps/main.ts is the top of the house.',
      from: {},
      to: { path: '^apps/main\\.ts$' },
    },
    {
      name: 'foundations-not-to-features',
      severity: 'error',
      comment:
        'The floors below the features (domain, settings, database, queue, metrics, auth, directory, cases) ' +
        'never import a feature or the case workflow: the engine reaches the features only through CaseHooks.',
      from: { path: `^libs/(${FOUNDATION_LIBS.join('|')})/` },
      to: { path: `^libs/(${[...FEATURE_LIBS, 'case-workflow'].join('|')})/` },
    },
    {
      name: 'case-workflow-from-apps-only',
      severity: 'error',
      comment: 'The case workflow sits above every feature: only the apps import it.',
      from: { path: '^libs/', pathNot: '^libs/case-workflow/' },
      to: { path: '^libs/case-workflow/' },
    },
    ...Object.entries(FEATURE_PEERS).map(([feature, allowed]) => ({
      name: `feature-peers-${feature}`,
      severity: 'error',
      comment:
        `libs/${feature} may use of its peer features only: ${allowed.join(', ') || 'none'} ` +
        '(the allow-list FEATURE_PEERS in .dependency-cruiser.cjs). Compose features in libs/case-workflow instead.',
      from: { path: `^libs/${feature}/` },
      to: {
        path: `^libs/(${FEATURE_LIBS.filter((f) => f !== feature && !allowed.includes(f)).join('|')})/`,
      },
    })),
    {
      name: 'no-orphans',
      severity: 'error',
      comment: 'A file nothing imports and that imports nothing is dead: delete it or use it.',
      from: {
        orphan: true,
        pathNot: ['\\.d\\.ts$', '(^|/)\\.[^/]+\\.(js|cjs|mjs|ts|json)$', '/cli/', '/migrations/'],
      },
      to: {},
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
