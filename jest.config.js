/** Tests run against a real PostgreSQL: see test/global-setup.ts. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  // Sources import siblings as './x.js' (NodeNext); jest resolves the .ts file.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  // Also every hook's: a server's stop past it leaves its pg-boss polling into the file the same
  // worker runs next, which then fails to run ("Cannot destructure property 'setTimeout'").
  testTimeout: 60000,
  maxWorkers: 2,
};
