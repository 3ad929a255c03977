/**
 * The build's folding of the Azure SDK's `typeof FormData` checks (shared/build/form-data-checks.ts): folded code
 * runs without reading the global; any other use of the global stops the build.
 */
import { runInNewContext } from 'node:vm';
import { minify } from 'terser';
import { foldFormDataChecks, FormDataUseError } from '../../../shared/build/form-data-checks';
import { CHUNK_MINIFY } from '../../../shared/build/minify-options';

/** Runs `code` (which sets `result`) where reading the global FormData is recorded; returns both. */
function evaluate(code: string): { result: unknown; reads: number } {
  let reads = 0;
  const sandbox: Record<string, unknown> = { result: undefined };
  Object.defineProperty(sandbox, 'FormData', {
    get() {
      reads++;
      return class FormData {};
    },
  });
  runInNewContext(code, sandbox);
  return { result: sandbox.result, reads };
}

// The shape @typespec/ts-http-runtime's formData.js has (unminified, as ncc emits a chunk).
const SDK_CHECK = `function convert(body) {
  if (typeof FormData !== "undefined" && body instanceof FormData) {
    return "form";
  }
  return "other";
}
result = convert("a=b");
`;

describe('foldFormDataChecks', () => {
  test('the SDK check is folded: the code runs as if FormData were not defined, without reading the global', () => {
    expect(evaluate(SDK_CHECK)).toEqual({ result: 'other', reads: 2 });
    const { code, folded } = foldFormDataChecks(SDK_CHECK, 'chunk.js');
    expect(folded).toBe(1);
    expect(evaluate(code)).toEqual({ result: 'other', reads: 0 });
  });

  test('the minified shape (ncc minifies the main file) and an && chain in front are folded too', async () => {
    const minified = (await minify(SDK_CHECK, CHUNK_MINIFY)).code!;
    expect(minified).toMatch(/"undefined"!=typeof FormData/);
    expect(evaluate(foldFormDataChecks(minified, 'main.js').code)).toEqual({ result: 'other', reads: 0 });
    const chain = `var isNode = true;\nresult = isNode && typeof FormData !== "undefined" && {} instanceof FormData;\n`;
    const r = foldFormDataChecks(chain, 'chunk.js');
    expect(r.folded).toBe(1);
    expect(evaluate(r.code)).toEqual({ result: false, reads: 0 });
  });

  test('`typeof FormData === "undefined"` folds to true', () => {
    const { code } = foldFormDataChecks(`result = typeof FormData === 'undefined' ? 'none' : 'some';\n`, 'chunk.js');
    expect(evaluate(code)).toEqual({ result: 'none', reads: 0 });
  });

  test('folded chunks still minify, and the dead branch goes', async () => {
    const out = (await minify(foldFormDataChecks(SDK_CHECK, 'chunk.js').code, CHUNK_MINIFY)).code!;
    expect(out).not.toContain('FormData');
    expect(evaluate(out).result).toBe('other');
  });

  test.each([
    ['a FormData made by the code', 'result = new FormData();'],
    ['an unguarded instanceof', 'result = {} instanceof FormData;'],
    ['the global read on its own', 'const F = FormData; result = F;'],
    ['a typeof compared with something else', 'result = typeof FormData === "function";'],
    ['the global as a shorthand property', 'result = { FormData };'],
  ])('any other use of the global stops the build, naming the file and offset: %s', (_, code) => {
    const at = code.indexOf('FormData');
    expect(() => foldFormDataChecks(code, 'dist/7.index.js')).toThrow(FormDataUseError);
    expect(() => foldFormDataChecks(code, 'dist/7.index.js')).toThrow(new RegExp(`^dist/7\\.index\\.js:${at}: FormData is used here`));
  });

  test("a bundled library's own FormData (a local class, a destructured import) is left alone", () => {
    const code = `
      (function (module, exports, require) {
        const { FormData } = require('./formdata');
        module.exports.check = (x) => x instanceof FormData;
        module.exports.make = () => new FormData();
      });
      (function () {
        class FormData {}
        result = new FormData() instanceof FormData;
      })();
    `;
    const r = foldFormDataChecks(code, 'chunk.js');
    expect(r).toEqual({ code, folded: 0 });
    expect(evaluate(code)).toEqual({ result: true, reads: 0 });
  });

  test('property names, keys and strings are not uses of the global', () => {
    const code = `const m = { FormData: 1 }; const t = m.FormData; const s = "FormData"; class C { FormData() {} } result = t + s;`;
    expect(foldFormDataChecks(code, 'chunk.js')).toEqual({ code, folded: 0 });
  });
});
