/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // test/conformance needs ../shared and runs through `npm run check:corpus`.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/conformance/'],
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/test/tsconfig.jest.json' }],
  },
  // @actions/* 3.x and their helpers ship ES modules only; compile them for Jest's CommonJS runtime.
  transformIgnorePatterns: ['/node_modules/(?!(@actions|@octokit|universal-user-agent|before-after-hook|universal-github-app-jwt)/)'],
  resolver: '<rootDir>/test/jest-resolver.js',
  testTimeout: 60000,
};
