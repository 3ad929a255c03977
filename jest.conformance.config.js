/** Conformance checks that need ../shared (the real-world corpus); `npm run check:corpus`, run by .ci/run. */
const base = require('./jest.config.js');
module.exports = { ...base, roots: ['<rootDir>/test/conformance'], testPathIgnorePatterns: [] };
