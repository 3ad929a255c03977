// Jest transform: esbuild strips types and turns ES modules into CommonJS, file by file, without type-checking.
// Type errors are `npm run typecheck`'s job (CI runs it in `npm run build` before the tests).
const { createHash } = require('node:crypto');
const { readFileSync } = require('node:fs');
const { transformSync, version } = require('esbuild');

const self = createHash('sha256').update(readFileSync(__filename)).update(version).digest('hex');

module.exports = {
  process(source, filename) {
    const { code, map } = transformSync(source, {
      loader: /\.tsx?$/.test(filename) ? 'ts' : 'js',
      format: 'cjs',
      target: `node${process.versions.node.split('.')[0]}`,
      platform: 'node',
      sourcefile: filename,
      sourcemap: 'external',
      // keep class and function names: tests and error messages read them.
      keepNames: true,
      // Jest's CommonJS runtime cannot run import(); esbuild then lowers it to require().
      supported: { 'dynamic-import': false },
      // strict as tsc emits it ("use strict"): assigning to a frozen object throws, as in the bundles.
      tsconfigRaw: { compilerOptions: { alwaysStrict: true, useDefineForClassFields: true, esModuleInterop: true } },
    });
    return { code, map };
  },
  getCacheKey(source, filename) {
    return createHash('sha256').update(self).update(filename).update('\0').update(source).digest('hex');
  },
};
