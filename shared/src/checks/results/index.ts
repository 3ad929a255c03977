/**
 * Staging checks' results: the verdict, and the JSON file, Markdown summary and JUnit XML written from them, and
 * the progress lines of a long check. A library: no step, host or Azure client here.
 */
export * from './types';
export * from './verdict';
export * from './json';
export * from './markdown';
export * from './junit';
export * from './progress';
export * from './format';
