// The entry of the GitHub bundle's lazily loaded actions-exec.js (see shared/build/lazy-packages.ts): @actions/exec,
// bundled on its own as CommonJS.
export * from '@actions/exec';
