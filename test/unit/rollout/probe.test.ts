import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { abortError } from '../../../shared/src/core/sleep';
import { loadProbeFile, parseProbeText, type ProbeFile } from '../../../shared/src/rollout/probe-file';
import { mismatch } from '../../../shared/src/rollout/probe-match';
import { percentile, ProbeRunner, type ProbeResponse } from '../../../shared/src/rollout/probe-runner';
import { inputErrorOf } from './input-error';

const probeError = (text: string) => inputErrorOf(() => parseProbeText(text, 'probe.yml'));

describe('probe file', () => {
  test('YAML with bodies, files, headers and expectations; defaults', () => {
    const dir = mkdtempSync(join(tmpdir(), 'probe-'));
    writeFileSync(join(dir, 'one.json'), '{"data": [[1, 2]]}');
    writeFileSync(
      join(dir, 'probe.yml'),
      ['rate: 2', 'requests:', '  - name: setosa', '    body: {data: [[5.1, 3.5]]}', '    headers: {x-tenant: demo, x-n: 3}', '    expect: {status: 200, output: [0], tolerance: 0.01}', '  - file: one.json', ''].join('\n'),
    );
    const p = loadProbeFile(join(dir, 'probe.yml'));
    expect(p.rate).toBe(2);
    expect(p.requests[0]).toMatchObject({ name: 'setosa', body: '{"data":[[5.1,3.5]]}', headers: { 'x-tenant': 'demo', 'x-n': '3' }, expect: { status: 200, output: [0], tolerance: 0.01 } });
    expect(p.requests[0]!.location.line).toBe(3);
    expect(p.requests[1]).toMatchObject({ name: 'request 2', body: '{"data": [[1, 2]]}', headers: {}, expect: { status: 200 } });
  });

  test('JSON works too', () => {
    const p = parseProbeText('{"requests": [{"body": {"x": 1}, "expect": {"status": 201}}]}', 'probe.json');
    expect(p).toMatchObject({ rate: 1, requests: [{ body: '{"x":1}', expect: { status: 201 } }] });
  });

  test('errors at file:line:col', () => {
    expect(probeError('requests: []').message).toMatch(/^probe\.yml:1:11: 'requests' must be a list of one or more requests/);
    expect(probeError('requests:\n  - name: a\n').message).toMatch(/^probe\.yml:2:5: 'a' needs a 'body' \(a JSON value\) or a 'file'/);
    expect(probeError('requests:\n  - body: 1\n    file: x.json\n').message).toMatch(/^probe\.yml:3:5: 'request 1' has both 'body' and 'file'/);
    expect(probeError('requests:\n  - body: 1\n    expect: {stauts: 200}\n').message).toMatch(/^probe\.yml:3:14: Unknown field 'stauts' in 'requests\[0\]\.expect'\. Did you mean 'status'\?/);
    expect(probeError('requests:\n  - body: 1\n    expect: {status: 2000}\n').message).toMatch(/^probe\.yml:3:22: 'expect.status' of 'request 1' must be a whole number from 100 to 599, got 2000/);
    expect(probeError('requests:\n  - body: 1\n    headers: {Authorization: x}\n').message).toMatch(/^probe\.yml:3:15: header 'Authorization' is set by the step/);
    expect(probeError('rate: 500\nrequests:\n  - body: 1\n').message).toMatch(/^probe\.yml:1:7: 'rate' must be a number from 0 to 50/);
    expect(probeError('- body: 1').message).toMatch(/must be a mapping/);
  });
});

describe('expected output: a JSON subset with numeric tolerance', () => {
  test('extra keys are fine; arrays element by element; numbers within tolerance', () => {
    expect(mismatch({ predictions: [0.5] }, { predictions: [0.5000000001], model: 'x' })).toBeUndefined();
    expect(mismatch({ p: [0.5] }, { p: [0.52] }, { tolerance: 0.05 })).toBeUndefined();
    expect(mismatch({ p: [0.5] }, { p: [0.6] }, { tolerance: 0.05 })).toBe('$.p[0]: expected 0.5, got 0.6');
    expect(mismatch([{ label: 'a' }], [{ label: 'b', score: 1 }])).toBe('$[0].label: expected "a", got "b"');
    expect(mismatch({ a: { 'b-c': 1 } }, { a: {} })).toBe('$.a["b-c"]: missing');
    expect(mismatch([1, 2], [1])).toBe('$: expected 2 items, got 1');
    expect(mismatch({ a: 1 }, [1])).toBe('$: expected an object, got [1]');
    expect(mismatch(null, null)).toBeUndefined();
  });
});

describe('ProbeRunner', () => {
  const probe: ProbeFile = {
    file: 'probe.yml',
    rate: 2,
    requests: [
      { name: 'a', body: '{}', headers: {}, expect: { status: 200, output: { y: 1 } }, location: { file: 'probe.yml' } },
      { name: 'b', body: '{}', headers: {}, expect: { status: 200 }, location: { file: 'probe.yml' } },
    ],
  };

  function clocked(responses: Array<ProbeResponse | Error>) {
    let now = 0;
    const sent: string[] = [];
    const runner = new ProbeRunner(
      probe,
      async (deployment, request) => {
        sent.push(`${deployment}:${request.name}`);
        const r = responses.length > 1 ? responses.shift()! : responses[0]!;
        now += r instanceof Error ? 5 : r.latencyMs;
        if (r instanceof Error) throw r;
        return r;
      },
      {
        now: () => now,
        sleep: async (ms, signal) => {
          if (signal.aborted) throw abortError();
          now += ms;
        },
      },
    );
    return { runner, sent, time: () => now };
  }

  test('smoke: each request once; a status or output miss fails it, saying which', async () => {
    const ok = clocked([{ status: 200, body: '{"y": 1, "z": 2}', latencyMs: 40 }]);
    expect(await ok.runner.smoke('green', new AbortController().signal)).toEqual({ passed: true, detail: '2 of 2 requests as expected' });
    expect(ok.sent).toEqual(['green:a', 'green:b']);

    const bad = clocked([{ status: 200, body: '{"y": 2}', latencyMs: 40 }, new Error('ECONNRESET')]);
    const r = await bad.runner.smoke('green', new AbortController().signal);
    expect(r.passed).toBe(false);
    expect(r.detail).toBe('2 of 2 requests not as expected: a: $.y: expected 1, got 2; b: no response: ECONNRESET');
  });

  test('load at the rate until aborted, and measurements over a window', async () => {
    const responses: ProbeResponse[] = [];
    for (let i = 0; i < 10; i++) responses.push({ status: i === 9 ? 503 : 200, body: '{"y": 1}', latencyMs: (i + 1) * 10 });
    const { runner, sent, time } = clocked(responses);
    const ac = new AbortController();
    // Stop after ten requests.
    const done = (async () => {
      while (sent.length < 10) await Promise.resolve();
      ac.abort();
    })();
    await runner.load('green', ac.signal);
    await done;
    expect(sent).toHaveLength(10);
    expect(sent.slice(0, 3)).toEqual(['green:a', 'green:b', 'green:a']);
    // Two a second: the ten requests span about five seconds.
    expect(time()).toBeGreaterThanOrEqual(4500);
    const m = await runner.measure('green', { start: new Date(0), end: new Date(5000) });
    expect(m['requests.count']).toBe(10);
    expect(m['requests.rate']).toBe(2);
    expect(m['latency.p50']).toBe(50);
    expect(m['latency.p95']).toBe(100);
    expect(m['errors.5xx.rate']).toBe(10);
    expect(m['errors.rate']).toBe(10);
    expect(m['errors.4xx.rate']).toBe(0);
    expect(m['probe.failure.rate']).toBe(10);
    expect(await runner.measure('blue', { start: new Date(0), end: new Date(5000) })).toEqual({});
  });

  test('percentile: nearest rank', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 99)).toBe(4);
    expect(percentile([], 50)).toBeUndefined();
  });
});
