/** A monitor run's breach tag read back into signals and rows; malformed parts kept as bounded text. */
import { parseBreachTag } from '../../../shared/src/monitoring/breach';

const signal = (name: string, rows: string) =>
  `The signal '${name}' has failed due to one or more features violating metric thresholds.\nThe feature names and their corresponding computed metric values violating the threshold are \n${rows}\n`;

test('each signal with its rows (objects or Spark JSON strings)', () => {
  const tag =
    signal('data-drift', JSON.stringify([{ group: 'income', metric_name: 'NormalizedWassersteinDistance', metric_value: 0.31, threshold_value: 0.1 }])) +
    signal('prediction-drift', JSON.stringify([JSON.stringify({ group: 'score', metric_name: 'JensenShannonDistance', metric_value: 0.2, threshold_value: 0.1 })]));
  expect(parseBreachTag(tag)).toEqual([
    { signal: 'data-drift', rows: [{ feature: 'income', metric: 'NormalizedWassersteinDistance', value: 0.31, threshold: 0.1 }] },
    { signal: 'prediction-drift', rows: [{ feature: 'score', metric: 'JensenShannonDistance', value: 0.2, threshold: 0.1 }] },
  ]);
});

test('no tag, or text without the phrase, is no breach', () => {
  expect(parseBreachTag(undefined)).toEqual([]);
  expect(parseBreachTag('all good')).toEqual([]);
});

test('rows that do not parse are kept as bounded text, never thrown', () => {
  const [b] = parseBreachTag(signal('quality', '[not json ' + 'x'.repeat(2000) + ']'));
  expect(b!.signal).toBe('quality');
  expect(b!.rows).toEqual([]);
  expect(b!.unparsed!.length).toBeLessThanOrEqual(500);
});
