/**
 * `create_monitor.monitoring_signals.<name>` of an `az ml schedule` file → the GA signal (azml-yaml-to-rest §5.3,
 * §5.4), for the four signals the step runs: data_drift, prediction_drift, data_quality, feature_attribution_drift.
 * Data missing from a signal comes from the target deployment's collected model_inputs/model_outputs, with the
 * trigger's default windows, as the SDK fills it. Where the SDK sends the 2023-06 preview shape, the GA shape is
 * sent (Rolling, not Trailing; notificationTypes, not mode); drift thresholds keep the SDK's rule (the first
 * non-zero metric per data type wins); quality thresholds are sent per data type as written (the SDK reuses the
 * numerical values for categorical, which is a quirk, not a meaning).
 */
import type { Node } from 'yaml';
import { isMap, isSeq } from 'yaml';
import type { MapEntry } from '../yaml-source';
import type { SpecReader } from '../online/reader';
import { snakeToPascal } from '../online/casing';
import { canonicalDuration, durationMs } from './durations';

export interface SignalContext {
  windows: { production: string; reference: string };
  /** Collected data of the target deployment: `model_inputs` / `model_outputs` → `azureml:<name>:<version>` */
  collected: Record<string, string | undefined>;
  /** Components ARM id of `azureml:<name>:<version>` */
  componentId(ref: string): string | undefined;
}

const TYPES: Record<string, { signalType: string; collection: string }> = {
  data_drift: { signalType: 'DataDrift', collection: 'model_inputs' },
  prediction_drift: { signalType: 'PredictionDrift', collection: 'model_outputs' },
  data_quality: { signalType: 'DataQuality', collection: 'model_inputs' },
  feature_attribution_drift: { signalType: 'FeatureAttributionDrift', collection: 'model_inputs' },
};
/** Signal kinds of the 2023 preview API, which the GA Schedules contract has no signalType for. */
const PREVIEW_ONLY = ['model_performance', 'generation_safety_quality', 'generation_token_statistics'];
const DRIFT_ORDER = {
  numerical: ['jensen_shannon_distance', 'normalized_wasserstein_distance', 'population_stability_index', 'two_sample_kolmogorov_smirnov_test'],
  categorical: ['jensen_shannon_distance', 'population_stability_index', 'pearsons_chi_squared_test'],
};
const QUALITY = ['null_value_rate', 'data_type_error_rate', 'out_of_bounds_rate'];
const DRIFT_DEFAULT = { numerical: ['normalized_wasserstein_distance', 0.1], categorical: ['jensen_shannon_distance', 0.1] } as const;
const DATA_CONTEXTS = ['model_inputs', 'model_outputs', 'training', 'test', 'validation', 'ground_truth'];

/** `azureml:<name>:<version>`, a datastore URI or an https URL; a label or a local path is refused (no upload here). */
function dataPath(r: SpecReader, e: MapEntry | undefined, key: string): string | undefined {
  const v = r.str(e, key)?.trim();
  if (v === undefined) return undefined;
  if (/^azureml:[A-Za-z0-9_][\w.-]*:[\w.-]+$/.test(v) || /^azureml:\/\/|^https:\/\/|^abfss:\/\/|^wasbs:\/\//.test(v) || /^azureml:\/subscriptions\//i.test(v)) return v;
  if (/^azureml:[^:@]+@/.test(v)) return r.fail(e!.value, `'${key}' is '${v}': give the data version (azureml:<name>:<version>); labels are not resolved here`);
  if (/^azureml:[^:]+$/.test(v)) return r.fail(e!.value, `'${key}' is '${v}': a data asset reference needs a version (azureml:<name>:<version>)`);
  return r.fail(e!.value, `'${key}' is '${v}': a monitor reads registered data; register it as a data asset and give azureml:<name>:<version>`);
}

function duration(r: SpecReader, e: MapEntry | undefined, key: string, fallback: string): string {
  const v = r.str(e, key)?.trim();
  if (v === undefined || v.toLowerCase() === 'default') return fallback;
  if (durationMs(v) === undefined) return r.fail(e!.value, `'${key}' is '${v}', not an ISO-8601 duration such as P7D`) ?? fallback;
  return canonicalDuration(v);
}

function date(r: SpecReader, e: MapEntry | undefined, key: string): string | undefined {
  const v = r.str(e, key)?.trim();
  if (v === undefined) return r.fail(e?.keyNode, `'${key}' is required with a fixed window`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(v))) return r.fail(e!.value, `'${key}' is '${v}', not a date YYYY-MM-DD`);
  return `${v}T00:00:00`;
}

function inputData(r: SpecReader, node: Node | undefined, scope: string, role: 'production' | 'reference', ctx: SignalContext): Record<string, unknown> | undefined {
  const keys = ['input_data', 'data_context', 'data_window', 'data_column_names', 'pre_processing_component', ...(role === 'reference' ? ['target_column_name'] : [])];
  const f = r.map(node, scope, keys);
  if (!f) return undefined;
  const input = r.map(f.input_data?.value, `${scope}.input_data`, ['type', 'path']);
  if (!input) return r.fail(f.input_data?.keyNode ?? node, `'${scope}.input_data' is required`);
  const jobInputType = r.choice(input.type, `${scope}.input_data.type`, ['uri_folder', 'uri_file', 'mltable']) ?? 'uri_folder';
  const uri = dataPath(r, input.path, `${scope}.input_data.path`);
  if (!r.present(input.path)) r.fail(f.input_data?.keyNode, `'${scope}.input_data.path' is required`);
  const out: Record<string, unknown> = { jobInputType, uri: uri ?? '' };
  const context = r.choice(f.data_context, `${scope}.data_context`, DATA_CONTEXTS);
  if (context) out.dataContext = context;
  const columns = r.stringMap(f.data_column_names, `${scope}.data_column_names`);
  if (columns) out.columns = columns;
  const pre = r.str(f.pre_processing_component, `${scope}.pre_processing_component`);
  if (pre !== undefined) out.preprocessingComponentId = ctx.componentId(pre) ?? r.fail(f.pre_processing_component!.value, `'${scope}.pre_processing_component' is '${pre}', not azureml:<name>:<version>`);
  const win = r.map(f.data_window?.value, `${scope}.data_window`, ['lookback_window_size', 'lookback_window_offset', 'window_start', 'window_end']);
  if (role === 'production') {
    if (win && (r.present(win.window_start) || r.present(win.window_end))) r.fail((win.window_start ?? win.window_end)!.keyNode, `'${scope}.data_window': production data only takes lookback_window_size and lookback_window_offset`);
    return { inputDataType: 'Rolling', ...out, windowSize: duration(r, win?.lookback_window_size, 'lookback_window_size', ctx.windows.production), windowOffset: duration(r, win?.lookback_window_offset, 'lookback_window_offset', 'P0D') };
  }
  if (win && (r.present(win.window_start) || r.present(win.window_end))) {
    return { inputDataType: 'Static', ...out, windowStart: date(r, win.window_start, 'window_start'), windowEnd: date(r, win.window_end, 'window_end') };
  }
  if (win && r.present(win.lookback_window_size)) {
    const offset = r.str(win.lookback_window_offset, 'lookback_window_offset')?.trim().toLowerCase() === 'default' ? ctx.windows.production : duration(r, win.lookback_window_offset, 'lookback_window_offset', 'P0D');
    return { inputDataType: 'Rolling', ...out, windowSize: duration(r, win.lookback_window_size, 'lookback_window_size', ctx.windows.reference), windowOffset: offset };
  }
  delete out.preprocessingComponentId;
  return { inputDataType: 'Fixed', ...out };
}

function collectedData(ctx: SignalContext, collection: string, role: 'production' | 'reference'): Record<string, unknown> | undefined {
  const uri = ctx.collected[collection];
  if (!uri) return undefined;
  return role === 'production'
    ? { inputDataType: 'Rolling', jobInputType: 'uri_folder', uri, dataContext: collection, windowSize: ctx.windows.production, windowOffset: 'P0D' }
    : { inputDataType: 'Rolling', jobInputType: 'uri_folder', uri, dataContext: collection, windowSize: ctx.windows.reference, windowOffset: ctx.windows.production };
}

function thresholds(r: SpecReader, e: MapEntry | undefined, scope: string, quality: boolean): unknown[] {
  const f = r.map(e?.value, scope, ['numerical', 'categorical']);
  const out: unknown[] = [];
  for (const dataType of ['numerical', 'categorical'] as const) {
    const allowed = quality ? QUALITY : DRIFT_ORDER[dataType];
    const m = r.map(f?.[dataType]?.value, `${scope}.${dataType}`, allowed);
    const given = allowed.map((k) => [k, r.float(m?.[k], `${scope}.${dataType}.${k}`)] as const).filter(([, v]) => v !== undefined) as [string, number][];
    const chosen = quality ? given : given.filter(([, v]) => v !== 0).slice(0, 1);
    const list = chosen.length || quality ? chosen : [[DRIFT_DEFAULT[dataType][0], DRIFT_DEFAULT[dataType][1]] as [string, number]];
    for (const [metric, value] of list) out.push({ dataType: snakeToPascal(dataType), metric: snakeToPascal(metric), threshold: { value } });
  }
  return out;
}

function features(r: SpecReader, e: MapEntry | undefined, scope: string): Record<string, unknown> | undefined {
  if (!r.present(e)) return undefined;
  if (isSeq(e.value)) return { filterType: 'FeatureSubset', features: r.strings(e, scope) ?? [] };
  if (isMap(e.value)) {
    const m = r.map(e.value, scope, ['top_n_feature_importance']);
    return { filterType: 'TopNByAttribution', top: r.int(m?.top_n_feature_importance, `${scope}.top_n_feature_importance`, { min: 1 }) ?? 10 };
  }
  const v = r.str(e, scope);
  if (v === 'all_features') return { filterType: 'AllFeatures' };
  return r.fail(e.value, `'${scope}' is '${v ?? ''}'; use all_features, a list of columns, or top_n_feature_importance: <n>`);
}

/** One signal in the GA shape, or undefined with the problems recorded. */
export function readSignal(r: SpecReader, name: string, node: Node | undefined, ctx: SignalContext): Record<string, unknown> | undefined {
  const scope = `create_monitor.monitoring_signals.${name}`;
  const kindNode = isMap(node) ? r.yaml.entries(node).find((e) => e.key === 'type') : undefined;
  if (isMap(node) && String(r.yaml.toJS(kindNode?.value)).toLowerCase() === 'custom') return readCustomSignal(r, name, node, ctx);
  const type = r.map(node, scope, ['type', 'alert_enabled', 'properties', 'production_data', 'reference_data', 'features', 'feature_type_override', 'metric_thresholds', 'data_segment']);
  if (!type) return r.fail(node, `'${scope}' must be a mapping`);
  const kind = r.str(type.type, `${scope}.type`)?.toLowerCase();
  if (!kind) return r.fail(type.type?.keyNode ?? node, `'${scope}.type' is required (data_drift, prediction_drift, data_quality or feature_attribution_drift)`);
  const t = TYPES[kind];
  if (!t) {
    const why = PREVIEW_ONLY.includes(kind) ? `${kind} is a preview signal the GA monitor API does not take` : `'${kind}' is not a signal type`;
    return r.fail(type.type!.value, `'${scope}.type': ${why}; use data_drift, prediction_drift, data_quality, feature_attribution_drift or custom`);
  }
  if (r.present(type.data_segment)) r.fail(type.data_segment.keyNode, `'${scope}.data_segment' is a preview setting the GA monitor API does not take`);
  const s: Record<string, unknown> = { signalType: t.signalType };
  if (r.bool(type.alert_enabled, `${scope}.alert_enabled`)) s.notificationTypes = ['AmlNotification'];
  const props = r.stringMap(type.properties, `${scope}.properties`);
  if (props) s.properties = props;
  const fad = kind === 'feature_attribution_drift';
  let production: unknown;
  if (r.present(type.production_data)) {
    const items = fad && isSeq(type.production_data.value) ? type.production_data.value.items : [type.production_data.value];
    const read = items.map((n, i) => inputData(r, n as Node, `${scope}.production_data${fad ? `[${i}]` : ''}`, 'production', ctx));
    production = fad ? read : read[0];
  } else {
    const filled = fad ? ['model_inputs', 'model_outputs'].map((c) => collectedData(ctx, c, 'production')) : [collectedData(ctx, t.collection, 'production')];
    if (filled.some((x) => !x)) r.fail(type.type!.keyNode, `signal '${name}' has no production_data, and the target deployment does not collect ${fad ? 'model_inputs and model_outputs' : t.collection}`);
    production = fad ? filled : filled[0];
  }
  s.productionData = production;
  const ref = r.present(type.reference_data) ? inputData(r, type.reference_data.value, `${scope}.reference_data`, 'reference', ctx) : collectedData(ctx, t.collection, 'reference');
  if (!ref && !r.present(type.reference_data)) r.fail(type.type!.keyNode, `signal '${name}' has no reference_data, and the target deployment does not collect ${t.collection}`);
  s.referenceData = ref;
  const override = r.stringMap(type.feature_type_override, `${scope}.feature_type_override`);
  if (override) s.featureDataTypeOverride = override;
  if (fad) {
    const m = r.map(type.metric_thresholds?.value, `${scope}.metric_thresholds`, ['normalized_discounted_cumulative_gain']);
    const v = r.float(m?.normalized_discounted_cumulative_gain, `${scope}.metric_thresholds.normalized_discounted_cumulative_gain`);
    s.metricThreshold = { metric: 'NormalizedDiscountedCumulativeGain', ...(v ? { threshold: { value: v } } : {}) };
    const target = r.map(type.reference_data?.value, `${scope}.reference_data`, ['input_data', 'data_context', 'data_window', 'data_column_names', 'pre_processing_component', 'target_column_name']);
    const column = r.str(target?.target_column_name, 'target_column_name');
    s.featureImportanceSettings = { mode: 'Enabled', ...(column ? { targetColumn: column } : {}) };
    return s;
  }
  s.metricThresholds = thresholds(r, type.metric_thresholds, `${scope}.metric_thresholds`, kind === 'data_quality');
  if (kind !== 'prediction_drift') {
    const f = features(r, type.features, `${scope}.features`);
    if (f) s.features = f;
  } else if (r.present(type.features)) r.fail(type.features.keyNode, `'${scope}.features' does not apply to prediction_drift`);
  return s;
}

/** A custom signal: the user's component, its named data inputs and literal inputs, thresholds on its own metric names. */
function readCustomSignal(r: SpecReader, name: string, node: Node | undefined, ctx: SignalContext): Record<string, unknown> | undefined {
  const scope = `create_monitor.monitoring_signals.${name}`;
  const f = r.map(node, scope, ['type', 'alert_enabled', 'properties', 'component_id', 'input_data', 'inputs', 'metric_thresholds', 'connection']);
  if (!f) return undefined;
  const s: Record<string, unknown> = { signalType: 'Custom' };
  if (r.bool(f.alert_enabled, `${scope}.alert_enabled`)) s.notificationTypes = ['AmlNotification'];
  const props = r.stringMap(f.properties, `${scope}.properties`);
  if (props) s.properties = props;
  const component = r.str(f.component_id, `${scope}.component_id`)?.trim();
  if (component === undefined) r.fail(f.type?.keyNode ?? node, `'${scope}.component_id' is required for a custom signal`);
  else s.componentId = ctx.componentId(component) ?? (/^(azureml:)?\/subscriptions\//i.test(component) ? component.replace(/^azureml:/, '') : r.fail(f.component_id!.value, `'${scope}.component_id' is '${component}', not azureml:<name>:<version>`));
  if (r.present(f.input_data)) {
    if (!isMap(f.input_data.value)) r.fail(f.input_data.value, `'${scope}.input_data' must be a mapping of input names to data`);
    else {
      const assets: Record<string, unknown> = {};
      for (const e of r.yaml.entries(f.input_data.value)) {
        const d = inputData(r, e.value, `${scope}.input_data.${e.key}`, 'reference', ctx);
        if (d) assets[e.key] = d;
      }
      s.inputAssets = assets;
    }
  }
  if (r.present(f.inputs) && !isMap(f.inputs.value)) r.fail(f.inputs.value, `'${scope}.inputs' must be a mapping of input names to values`);
  else if (r.present(f.inputs) && isMap(f.inputs.value)) {
    const m = r.map(f.inputs.value, `${scope}.inputs`, r.yaml.entries(f.inputs.value).map((e) => e.key));
    s.inputs = Object.fromEntries(Object.entries(m ?? {}).map(([k, e]) => [k, { jobInputType: 'literal', value: String(r.yaml.toJS(e.value)) }]));
  }
  if (r.present(f.connection)) r.fail(f.connection.keyNode, `'${scope}.connection' (secrets for the component) is not sent by configure-monitors; put them in a workspace connection the component reads`);
  const list = r.present(f.metric_thresholds) && isSeq(f.metric_thresholds.value) ? f.metric_thresholds.value.items : undefined;
  if (!list) r.fail(f.metric_thresholds?.value ?? f.type?.keyNode ?? node, `'${scope}.metric_thresholds' must be a list of metric_name and threshold`);
  s.metricThresholds = (list ?? []).map((item, i) => {
    const t = r.map(item as Node, `${scope}.metric_thresholds[${i}]`, ['metric_name', 'threshold']);
    const metric = r.str(t?.metric_name, 'metric_name');
    if (!metric) r.fail(item as Node, `'${scope}.metric_thresholds[${i}].metric_name' is required`);
    const value = r.float(t?.threshold, 'threshold');
    return { metric: metric ?? '', ...(value !== undefined ? { threshold: { value } } : {}) };
  });
  return s;
}

/**
 * The out-of-box monitor (create_monitor without monitoring_signals): the SDK's three default signals on the
 * deployment's collected data, which must collect both model_inputs and model_outputs; undefined when it does not.
 */
export function defaultSignals(ctx: SignalContext): Record<string, unknown> | undefined {
  if (!ctx.collected.model_inputs || !ctx.collected.model_outputs) return undefined;
  const drift = (dataType: 'Numerical' | 'Categorical', metric: string) => ({ dataType, metric, threshold: { value: 0.1 } });
  const thresholds = [drift('Numerical', 'NormalizedWassersteinDistance'), drift('Categorical', 'JensenShannonDistance')];
  const quality = ['Numerical', 'Categorical'].flatMap((dataType) => ['NullValueRate', 'DataTypeErrorRate', 'OutOfBoundsRate'].map((metric) => ({ dataType, metric, threshold: { value: 0 } })));
  const on = (c: string) => ({ productionData: collectedData(ctx, c, 'production'), referenceData: collectedData(ctx, c, 'reference') });
  return {
    'data-drift-signal': { signalType: 'DataDrift', ...on('model_inputs'), features: { filterType: 'AllFeatures' }, metricThresholds: thresholds },
    'prediction-drift-signal': { signalType: 'PredictionDrift', ...on('model_outputs'), metricThresholds: thresholds },
    'data-quality-signal': { signalType: 'DataQuality', ...on('model_inputs'), features: { filterType: 'AllFeatures' }, metricThresholds: quality },
  };
}
