import type { MinifyOptions } from 'terser';

/** terser's options for the lazily loaded chunks ncc leaves unminified (bundle.ts); a test minifies with them too. */
export const CHUNK_MINIFY: MinifyOptions = { module: false, compress: { passes: 1 }, mangle: true, format: { comments: false } };
