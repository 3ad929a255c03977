/**
 * configure-monitors' own input languages, parsed with errors that name the input: the trigger
 * (`every 1 day at 03:00` or cron), the signal list, per-metric thresholds, the feature filter, emails and names.
 */
import { inputError } from '../../core/errors';
import { SIGNAL_KINDS, type FeatureFilter, type SignalKind, type Threshold, type Trigger } from '../../specs/monitor/types';

export { SIGNAL_KINDS };
export type { FeatureFilter, SignalKind, Threshold, Trigger };

const UNITS: Record<string, Extract<Trigger, { kind: 'recurrence' }>['frequency']> = {
  minute: 'Minute', minutes: 'Minute', hour: 'Hour', hours: 'Hour', day: 'Day', days: 'Day', week: 'Week', weeks: 'Week', month: 'Month', months: 'Month',
};

export function parseTrigger(text: string, input = 'trigger'): Trigger {
  const v = text.trim();
  const every = /^every\s+(\d+)\s+([a-z]+)(?:\s+at\s+(\d{1,2}):(\d{2}))?$/i.exec(v);
  if (every) {
    const interval = Number(every[1]);
    const frequency = UNITS[every[2]!.toLowerCase()];
    if (!frequency) throw inputError(`Input '${input}': '${every[2]}' is not a unit; use minute, hour, day, week or month.`, { input });
    if (interval < 1 || interval > 1000) throw inputError(`Input '${input}': the interval must be 1-1000; got ${interval}.`, { input });
    const at = every[3] !== undefined ? { h: Number(every[3]), m: Number(every[4]) } : undefined;
    if (at && (at.h > 23 || at.m > 59)) throw inputError(`Input '${input}': '${every[3]}:${every[4]}' is not a time of day (HH:MM, 00:00-23:59).`, { input });
    if (at && (frequency === 'Minute' || frequency === 'Hour')) throw inputError(`Input '${input}': 'at HH:MM' applies to day, week and month recurrences, not every ${every[2]}.`, { input });
    return { kind: 'recurrence', frequency, interval, hours: at ? [at.h] : [], minutes: at ? [at.m] : [] };
  }
  const fields = v.split(/\s+/);
  if (fields.length === 5 && fields.every((f, i) => cronField(f, CRON_RANGES[i]!))) return { kind: 'cron', expression: fields.join(' ') };
  throw inputError(`Input '${input}': '${v}' is neither 'every <n> <minute|hour|day|week|month> [at HH:MM]' nor a 5-field cron expression (minute hour day month weekday).`, { input });
}

const CRON_RANGES: [number, number][] = [[0, 59], [0, 23], [1, 31], [1, 12], [0, 6]];

function cronField(f: string, [lo, hi]: [number, number]): boolean {
  return f.split(',').every((part) => {
    const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
    if (!m) return false;
    const nums = [m[2], m[3]].filter((x) => x !== undefined).map(Number);
    if (m[4] !== undefined && Number(m[4]) < 1) return false;
    return nums.every((n) => n >= lo && n <= hi) && (nums.length < 2 || nums[0]! <= nums[1]!);
  });
}

export function parseSignals(text: string, input = 'signals'): SignalKind[] {
  const names = text.split(',').map((s) => s.trim().toLowerCase().replace(/_/g, '-')).filter(Boolean);
  if (names.length === 0) throw inputError(`Input '${input}' names no signal; use ${SIGNAL_KINDS.join(', ')}.`, { input });
  for (const n of names) {
    if (!(SIGNAL_KINDS as readonly string[]).includes(n)) throw inputError(`Input '${input}': '${n}' is not a signal; use ${SIGNAL_KINDS.join(', ')}.`, { input });
  }
  return [...new Set(names)] as SignalKind[];
}

/** Metrics each signal and data type accepts (the YAML's snake_case names, as `metric_thresholds` spells them). */
const METRICS: Record<SignalKind, Partial<Record<'numerical' | 'categorical' | 'none', string[]>>> = {
  'data-drift': {
    numerical: ['jensen_shannon_distance', 'normalized_wasserstein_distance', 'population_stability_index', 'two_sample_kolmogorov_smirnov_test'],
    categorical: ['jensen_shannon_distance', 'population_stability_index', 'pearsons_chi_squared_test'],
  },
  'prediction-drift': {
    numerical: ['jensen_shannon_distance', 'normalized_wasserstein_distance', 'population_stability_index', 'two_sample_kolmogorov_smirnov_test'],
    categorical: ['jensen_shannon_distance', 'population_stability_index', 'pearsons_chi_squared_test'],
  },
  'data-quality': {
    numerical: ['null_value_rate', 'data_type_error_rate', 'out_of_bounds_rate'],
    categorical: ['null_value_rate', 'data_type_error_rate', 'out_of_bounds_rate'],
  },
  'feature-attribution-drift': { none: ['normalized_discounted_cumulative_gain'] },
};

export function parseThresholds(text: string | undefined, signals: readonly SignalKind[], input = 'thresholds'): Threshold[] {
  const out: Threshold[] = [];
  for (const [i, raw] of (text ?? '').split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const where = `Input '${input}' line ${i + 1}`;
    const eq = line.indexOf('=');
    if (eq < 0) throw inputError(`${where}: '${line}' is not '<signal>.<numerical|categorical>.<metric>=<value>'.`, { input });
    const path = line.slice(0, eq).trim().toLowerCase().split('.');
    const valueText = line.slice(eq + 1).trim();
    const signal = path[0]?.replace(/_/g, '-') as SignalKind;
    if (!METRICS[signal]) throw inputError(`${where}: '${path[0]}' is not a signal; use ${SIGNAL_KINDS.join(', ')}.`, { input });
    if (!signals.includes(signal)) throw inputError(`${where}: signal '${signal}' is not in 'signals' (${signals.join(', ')}).`, { input });
    const typed = path.length === 3;
    const dataType = typed ? path[1] : 'none';
    const metric = typed ? path[2]! : path[1];
    const allowed = METRICS[signal][dataType as 'numerical'];
    if (!allowed) {
      const types = Object.keys(METRICS[signal]);
      throw inputError(`${where}: '${path.slice(0, -1).join('.')}' — ${signal} thresholds are ${types.includes('none') ? `'${signal}.<metric>'` : `'${signal}.<numerical|categorical>.<metric>'`}.`, { input });
    }
    if (!metric || !allowed.includes(metric)) throw inputError(`${where}: '${metric ?? ''}' is not a ${dataType === 'none' ? '' : `${dataType} `}${signal} metric; use ${allowed.join(', ')}.`, { input });
    const value = Number(valueText);
    if (valueText === '' || !Number.isFinite(value) || value < 0) throw inputError(`${where}: the threshold must be a number ≥ 0; got '${valueText}'.`, { input });
    if (/rate$|_test$/.test(metric) && value > 1) throw inputError(`${where}: ${metric} is a rate or p-value between 0 and 1; got ${value}.`, { input });
    const t: Threshold = { signal, metric, value, ...(typed ? { dataType: dataType as 'numerical' | 'categorical' } : {}) };
    if (out.some((o) => o.signal === t.signal && o.dataType === t.dataType && o.metric === t.metric)) throw inputError(`${where}: '${path.join('.')}' is given twice.`, { input });
    out.push(t);
  }
  return out;
}

export function parseFeatures(text: string | undefined, input = 'features'): FeatureFilter {
  const v = text?.trim();
  if (!v || v.toLowerCase() === 'all') return { kind: 'all' };
  const top = /^top\s*[:=]?\s*(\d+)$/i.exec(v);
  if (top) {
    const n = Number(top[1]);
    if (n < 1 || n > 1000) throw inputError(`Input '${input}': top:<n> needs 1-1000 features; got ${n}.`, { input });
    return { kind: 'top', n };
  }
  const features = v.split(',').map((f) => f.trim()).filter(Boolean);
  for (const f of features) {
    if (!/^[\w.\- ]{1,256}$/.test(f)) throw inputError(`Input '${input}': '${f}' is not a column name (letters, digits, ' ', '_', '-', '.').`, { input });
  }
  return { kind: 'subset', features };
}

const EMAIL = /^[^\s@,;<>"]+@[^\s@,;<>"]+\.[^\s@,;<>"]+$/;

/** Emails, comma/semicolon/newline separated; the monitor's alert setting allows 499 characters in all. */
export function parseEmails(text: string | undefined, input = 'alert-emails'): string[] {
  const emails = (text ?? '').split(/[,;\n]/).map((e) => e.trim()).filter(Boolean);
  for (const e of emails) if (!EMAIL.test(e)) throw inputError(`Input '${input}': '${e}' is not an email address.`, { input });
  const total = emails.join(',').length;
  if (total > 499) throw inputError(`Input '${input}': the emails take ${total} characters; a monitor allows at most 499.`, { input });
  return [...new Set(emails)];
}

/** Schedule names: the service's asset-name rule (a letter or digit first; letters, digits, '-', '_'; ≤ 255). */
export function checkScheduleName(name: string, input: string): string {
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_-]{0,254}$/.test(name)) {
    throw inputError(`Input '${input}': '${name}' is not a valid schedule name (a letter or digit first, then letters, digits, '-' or '_'; at most 255).`, { input });
  }
  return name;
}

export function parseDataAssetRef(text: string | undefined, input: string): { name: string; version: string } | undefined {
  const v = text?.trim();
  if (!v) return undefined;
  const m = /^azureml:([A-Za-z0-9_][\w.-]{0,254}):([\w.-]{1,64})$/.exec(v);
  if (!m) throw inputError(`Input '${input}': '${v}' is not a data asset reference azureml:<name>:<version>.`, { input });
  return { name: m[1]!, version: m[2]! };
}

/** An https webhook (http only on this machine: localhost or 127.0.0.1), for event-webhook / alert-webhook. */
export function parseWebhook(text: string | undefined, input: string): string | undefined {
  const v = text?.trim();
  if (!v) return undefined;
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    throw inputError(`Input '${input}' is not a URL.`, { input });
  }
  const local = url.hostname === 'localhost' || url.hostname === '127.0.0.1';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local)) throw inputError(`Input '${input}' must be an https URL (http only for localhost).`, { input });
  return url.toString();
}
