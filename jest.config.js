const { availableParallelism } = require('node:os');

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // test/conformance needs ../shared and runs through `npm run check:corpus`.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/conformance/'],
  transform: {
    // esbuild, not ts-jest: no type-checking per file (`npm run typecheck` does that once, in `npm run build`).
    '^.+\\.[tj]s$': '<rootDir>/test/esbuild-transform.js',
  },
  // @actions/* 3.x and their helpers, and hyparquet(-writer), ship ES modules only, and the bundles load
  // @azure/arm-machinelearning's ES build (sdk-client.ts); compile them for Jest's CommonJS runtime.
  transformIgnorePatterns: ['/node_modules/(?!(@azure/arm-machinelearning/dist-esm|@actions|@octokit|universal-user-agent|before-after-hook|universal-github-app-jwt|hyparquet|hyparquet-writer)/)'],
  resolver: '<rootDir>/test/jest-resolver.js',
  testTimeout: 60000,
  // Most test time is spent waiting on child processes (bundles, emulators, Azurite) and LRO polls, not on CPU:
  // two workers per core keep the cores busy (Jest's default, cores - 1, runs one file at a time on 2 cores).
  maxWorkers: Math.max(2, availableParallelism() * 2),
};
