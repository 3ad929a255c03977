import { filesInWindow, parseCollected, parseReviewRule, selectForReview } from '../../../shared/src/monitoring/review';

const rec = (id: string, correlationid: string, data: Record<string, unknown>[], time = '2026-12-04T01:00:00Z') => ({ id, time, correlationid, data });

test('the review rule is `<column> < <value>` and nothing else', () => {
  expect(parseReviewRule('confidence < 0.35', 50)).toEqual({ column: 'confidence', below: 0.35, max: 50 });
  expect(parseReviewRule(undefined, 10)).toEqual({ column: 'score', below: 0.5, max: 10 });
  expect(() => parseReviewRule('score > 0.5', 10)).toThrow(/'score > 0.5' is not '<output column> < <value>'/);
  expect(() => parseReviewRule('$(rm -rf) < 1', 10)).toThrow(/review-score/);
});

test('collected files parse record by record; lines that are not records are counted, not trusted', () => {
  const text = [JSON.stringify(rec('a', 'c1', [{ score: 0.1 }])), 'not json', JSON.stringify({ id: 'b', data: 'x' }), '', JSON.stringify({ ...rec('c', 'c2', [{ score: 0.9 }]), data: [{ score: 0.9 }, 7] })].join('\n');
  const { records, bad } = parseCollected(text);
  expect(records.map((r) => [r.id, r.data.length])).toEqual([['a', 1], ['c', 1]]);
  expect(bad).toBe(2);
});

test('only hour folders that overlap the window are read', () => {
  const f = (h: string) => `azureml://datastores/ws/paths/modelDataCollector/ep/blue/model_outputs/2026/12/04/${h}/x.jsonl`;
  const from = Date.UTC(2026, 11, 4, 1, 30);
  const to = Date.UTC(2026, 11, 4, 3, 10);
  expect(filesInWindow([f('00'), f('01'), f('02'), f('03'), f('04'), 'azureml://datastores/ws/paths/other.jsonl'], from, to)).toEqual([f('01'), f('02'), f('03')]);
});

test('the lowest scores below the value come first, at most max, each joined to its inputs by correlation id and row', () => {
  const inputs = [rec('i1', 'c1', [{ x: 1 }, { x: 2 }]), rec('i2', 'c2', [{ x: 3 }])];
  const outputs = [rec('o1', 'c1', [{ score: 0.3 }, { score: 0.05 }]), rec('o2', 'c2', [{ score: 0.7 }]), rec('o3', 'c9', [{ score: 0.2 }, { label: 'no score' }])];
  const r = selectForReview(inputs, outputs, { column: 'score', below: 0.5, max: 2 });
  expect(r.scanned).toBe(5);
  expect(r.scored).toBe(4);
  expect(r.samples.map((s) => [s.score, s.inputs?.x])).toEqual([[0.05, 2], [0.2, undefined]]);
});
