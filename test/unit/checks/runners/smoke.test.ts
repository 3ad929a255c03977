import { runSmoke } from '../../../../shared/src/checks/runners/smoke';
import type { SmokeCheck, SmokeRequest } from '../../../../shared/src/checks/policy/types';
import { at, context, port } from './support';

const request = (extra: Partial<SmokeRequest> = {}): SmokeRequest => ({ name: 'one row', body: '{"data":[[1,2]]}', headers: {}, at: at(5), status: [200], values: [], ...extra });
const check = (requests: SmokeRequest[]): SmokeCheck => ({ name: 'smoke', type: 'smoke', severity: 'gate', at: at(3), requests });

test('each request goes to the deployment under test; status, schema and values become rows', async () => {
  const p = port(() => [0.25]);
  const out = await runSmoke(
    check([
      request({
        schema: { type: 'array', items: { type: 'number', minimum: 0, maximum: 1 } },
        values: [{ pointer: '/0', equals: 0.2, tolerance: 0.06, at: at(9) }],
      }),
    ]),
    context(p),
  );
  expect(p.sent).toEqual([{ deployment: 'green', body: '{"data":[[1,2]]}' }]);
  expect(out.status).toBe('passed');
  expect(out.rows.map((r) => [r.metric, r.status])).toEqual([
    ['status', 'passed'],
    ['schema', 'passed'],
    ['/0', 'passed'],
  ]);
  expect(out.rows[2]).toMatchObject({ measured: '0.25', expected: '0.2 ± 0.06' });
});

test('a wrong value, an invalid body and a wrong status each fail their row, with the cause', async () => {
  const p = port((d, body) => ((body as { data: unknown[] }).data.length === 1 ? { status: 200, body: '{"label":"x"}', latencyMs: 3 } : { status: 503, body: 'upstream busy', latencyMs: 2 }));
  const out = await runSmoke(
    check([
      request({ schema: { type: 'array' }, values: [{ pointer: '/label', equals: 'y', tolerance: 0, at: at(9) }] }),
      request({ name: 'two rows', body: '{"data":[[1],[2]]}' }),
    ]),
    context(p),
  );
  expect(out.status).toBe('failed');
  const byKey = Object.fromEntries(out.rows.map((r) => [`${r.subject} ${r.metric}`, r]));
  expect(byKey['one row schema']).toMatchObject({ status: 'failed', detail: expect.stringContaining('must be array') });
  expect(byKey['one row /label']).toMatchObject({ status: 'failed', measured: '"x"', detail: expect.stringContaining('expected') });
  expect(byKey['two rows status']).toMatchObject({ status: 'failed', measured: '503', detail: 'upstream busy' });
  expect(out.headline).toMatch(/^3 of 4 assertions failed/);
});

test('a schema that does not compile is an input error at the request', async () => {
  await expect(runSmoke(check([request({ schema: { type: 'no-such-type' } })]), context(port(() => [1])))).rejects.toThrow(/^policy\.yml:5:3: the response schema is not a valid JSON Schema/);
});

test('no answer at all is a failed status row, not a crash', async () => {
  const p = port(() => ({ status: 0, body: '', latencyMs: 30000, error: 'timed out' }));
  const out = await runSmoke(check([request()]), context(p));
  expect(out.rows).toEqual([expect.objectContaining({ metric: 'status', measured: 'no answer', status: 'failed', detail: 'timed out' })]);
});
