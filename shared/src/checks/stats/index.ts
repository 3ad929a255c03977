/**
 * Statistics for the staging checks: model metrics, Fairlearn-style fairness, champion versus challenger
 * comparisons (paired bootstrap, McNemar, DeLong, agreement, score divergence) and the rule verdict.
 * A library: no step, host or Azure client here.
 */
export * from './labels';
export * from './classification';
export * from './regression';
export * from './evaluation-set';
export * from './metrics';
export * from './fairness';
export * from './paired';
export * from './bootstrap';
export * from './delong';
export * from './divergence';
export * from './prng';
export * from './special';
export * from './rules';
export * from './verdict';
