/** Two projects: fast unit tests next to the code, and e2e/integration suites in test/
 * that run against the real PostgreSQL and Redis (each suite in its own database). */
const swc = ['@swc/jest', { jsc: { parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true }, target: 'es2022', keepClassNames: true } }];
const common = {
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: { '^@makebuy/([^/]+)$': '<rootDir>/libs/$1/src', '^@makebuy/([^/]+)/(.*)$': '<rootDir>/libs/$1/src/$2' },
  testEnvironment: 'node',
};
module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/setup/global-setup.ts',
      setupFilesAfterEnv: ['<rootDir>/test/setup/e2e-timeout.ts'],
    },
  ],
};
