/** configure-monitors' input languages: trigger, signals, thresholds, features, emails, names, webhooks. */
import {
  checkScheduleName,
  parseDataAssetRef,
  parseEmails,
  parseFeatures,
  parseSignals,
  parseThresholds,
  parseTrigger,
  parseWebhook,
} from '../../../../shared/src/steps/configure-monitors/inputs';

describe('trigger', () => {
  test('every <n> <unit> [at HH:MM] is a recurrence', () => {
    expect(parseTrigger('every 1 day at 03:15')).toEqual({ kind: 'recurrence', frequency: 'Day', interval: 1, hours: [3], minutes: [15] });
    expect(parseTrigger('every 6 hours')).toEqual({ kind: 'recurrence', frequency: 'Hour', interval: 6, hours: [], minutes: [] });
    expect(parseTrigger('Every 2 Weeks at 7:00')).toMatchObject({ frequency: 'Week', interval: 2, hours: [7], minutes: [0] });
  });
  test('five cron fields are a cron trigger', () => {
    expect(parseTrigger(' 0 3 * * 1-5 ')).toEqual({ kind: 'cron', expression: '0 3 * * 1-5' });
    expect(parseTrigger('*/15 * * * *')).toEqual({ kind: 'cron', expression: '*/15 * * * *' });
  });
  test.each([
    ['every 1 fortnight', /not a unit/],
    ['every 0 days', /interval must be 1-1000/],
    ['every 1 day at 25:00', /not a time of day/],
    ['every 2 hours at 03:00', /applies to day, week and month/],
    ['61 * * * *', /neither/],
    ['0 3 * *', /neither/],
    ['daily', /neither/],
  ])('%s is refused', (text, message) => {
    expect(() => parseTrigger(text)).toThrow(message);
  });
});

test('signals: known names, _ or -, deduplicated; unknown refused', () => {
  expect(parseSignals('data_drift, prediction-drift,data-drift')).toEqual(['data-drift', 'prediction-drift']);
  expect(() => parseSignals('data-drift,model-performance')).toThrow(/'model-performance' is not a signal/);
  expect(() => parseSignals(' , ')).toThrow(/names no signal/);
});

describe('thresholds', () => {
  const signals = ['data-drift', 'data-quality', 'feature-attribution-drift'] as const;
  test('one per line, typed by signal and data type', () => {
    expect(
      parseThresholds('# comment\ndata-drift.numerical.normalized_wasserstein_distance=0.2\ndata-quality.categorical.null_value_rate = 0.05\nfeature-attribution-drift.normalized_discounted_cumulative_gain=0.9', [...signals]),
    ).toEqual([
      { signal: 'data-drift', dataType: 'numerical', metric: 'normalized_wasserstein_distance', value: 0.2 },
      { signal: 'data-quality', dataType: 'categorical', metric: 'null_value_rate', value: 0.05 },
      { signal: 'feature-attribution-drift', metric: 'normalized_discounted_cumulative_gain', value: 0.9 },
    ]);
  });
  test.each([
    ['data-drift.numerical.pearsons_chi_squared_test=0.1', /not a numerical data-drift metric/],
    ['data-drift.categorical.normalized_wasserstein_distance=0.1', /not a categorical data-drift metric/],
    ['prediction-drift.numerical.jensen_shannon_distance=0.1', /not in 'signals'/],
    ['data-drift.numerical.jensen_shannon_distance=-1', /number ≥ 0/],
    ['data-drift.numerical.jensen_shannon_distance=abc', /number ≥ 0/],
    ['data-quality.numerical.null_value_rate=2', /between 0 and 1/],
    ['data-drift.jensen_shannon_distance=0.1', /numerical\|categorical/],
    ['drift.numerical.x=1', /'drift' is not a signal/],
    ['data-drift.numerical.jensen_shannon_distance', /is not '<signal>/],
    ['data-drift.numerical.jensen_shannon_distance=0.1\ndata-drift.numerical.jensen_shannon_distance=0.2', /line 2: .* given twice/],
  ])('%s is refused', (text, message) => {
    expect(() => parseThresholds(text, [...signals])).toThrow(message);
  });
});

test('features: all, top:n, or a list', () => {
  expect(parseFeatures(undefined)).toEqual({ kind: 'all' });
  expect(parseFeatures('ALL')).toEqual({ kind: 'all' });
  expect(parseFeatures('top:5')).toEqual({ kind: 'top', n: 5 });
  expect(parseFeatures('age, income')).toEqual({ kind: 'subset', features: ['age', 'income'] });
  expect(() => parseFeatures('top:0')).toThrow(/1-1000/);
  expect(() => parseFeatures('a,b<script>')).toThrow(/not a column name/);
});

test('emails: validated, deduplicated, at most 499 characters together', () => {
  expect(parseEmails('a@contoso.com; b@contoso.com,a@contoso.com')).toEqual(['a@contoso.com', 'b@contoso.com']);
  expect(() => parseEmails('not-an-email')).toThrow(/'not-an-email' is not an email address/);
  const many = Array.from({ length: 30 }, (_, i) => `someone.long.name${i}@contoso.example.com`).join(',');
  expect(() => parseEmails(many)).toThrow(/at most 499/);
});

test('names, data asset references and webhooks are checked at the boundary', () => {
  expect(checkScheduleName('credit-monitor_1', 'monitor-name')).toBe('credit-monitor_1');
  expect(() => checkScheduleName('-bad', 'monitor-name')).toThrow(/not a valid schedule name/);
  expect(() => checkScheduleName('a/b', 'monitor-name')).toThrow(/not a valid schedule name/);
  expect(parseDataAssetRef('azureml:credit-train:3', 'baseline')).toEqual({ name: 'credit-train', version: '3' });
  expect(() => parseDataAssetRef('./train.csv', 'baseline')).toThrow(/azureml:<name>:<version>/);
  expect(parseWebhook('https://example.com/hook?code=secret', 'event-webhook')).toBe('https://example.com/hook?code=secret');
  expect(parseWebhook('http://127.0.0.1:9000/x', 'event-webhook')).toBe('http://127.0.0.1:9000/x');
  const refused = () => parseWebhook('http://example.com/hook?code=secret', 'event-webhook');
  expect(refused).toThrow(/must be an https URL/);
  expect(refused).not.toThrow(/secret/);
});
