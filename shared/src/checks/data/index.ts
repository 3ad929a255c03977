/**
 * The data half of the staging checks: drift (data and prediction) and data quality computed the way Azure ML model
 * monitoring computes them (the project's reference notes, check-metrics.md §1), read from CSV, JSON Lines or
 * Parquet in streaming passes with bounded memory. No step or host is imported here.
 */
export { evaluateDrift, evaluatePredictionDrift, computeDrift, type DriftOptions, type DriftResult, type DriftFeature } from './drift';
export { evaluateDataChecks, type DataChecksOptions, type DataChecksResult } from './checks';
export { evaluateDataQuality, baselineStatistics, azureCategorySet, type QualityBaseline, type QualityColumnBaseline, type QualityOptions, type QualityResult } from './quality';
export { saveProfile, loadProfile, profileJson, PROFILE_KIND, PROFILE_VERSION } from './profile-file';
export { openDataSource, rowsSource, columnsSource, dataSource, type DataInput, type FileFormat } from './source';
export { readSchema, type SourceSchema } from './schema';
export { profileSource, type DataProfile, type ColumnProfile, type ProfilePlan } from './profile';
export { commonColumns, featureType, selectFeatures, type FeatureSelection, type FeatureImportance, type TypeOverrides } from './classify';
export {
  jensenShannonDistance,
  populationStabilityIndex,
  pearsonChiSquared,
  compareNumerical,
  ksPValue,
  normalizedWasserstein,
  KS_MAX_ROWS,
} from './metrics';
export { binEdges, sturgesBins, SparkHistogram } from './binning';
export {
  breaches,
  resolveThreshold,
  round5,
  NUMERICAL_METRICS,
  CATEGORICAL_METRICS,
  QUALITY_METRICS,
  AZURE_QUALITY_METRICS,
  SDK_DRIFT_THRESHOLDS,
  COMPONENT_DEFAULT_THRESHOLD,
  type CheckRow,
  type NumericalMetric,
  type CategoricalMetric,
  type DriftMetric,
  type QualityMetric,
  type ThresholdOverrides,
} from './thresholds';
export { SpillArena, type ArenaOptions } from './value-store';
export type { Cell, DataSource, DType, FeatureType, RowBatch, ColumnSchema } from './types';
