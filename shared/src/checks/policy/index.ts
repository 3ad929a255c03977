/**
 * The staging-checks policy: its types and the reader that turns a policy file (and the step's overrides) into a
 * checked, typed `Policy`. A library: no step, host or Azure client here.
 */
export * from './types';
export { loadPolicy, parsePolicyText, POLICY_KEYS, type PolicyOptions } from './policy';
export { parseSetLines, parseDataLines, SETTABLE_ROOTS, type PolicyOverrides, type SetOverride } from './overrides';
export { policyError, describeAt } from './errors';
export { parseDuration, jsonPointerProblem } from './durations';
export { KEYS_BY_TYPE } from './checks-reader';
