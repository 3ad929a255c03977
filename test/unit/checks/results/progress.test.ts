import { formatCount, formatSeconds } from '../../../../shared/src/checks/results/format';
import { ProgressTicker } from '../../../../shared/src/checks/results/progress';

/** A ticker on a clock the test moves by hand, and the lines it printed. */
function ticker(opts: { label?: string; everyMs?: number } = {}) {
  let t = 1_000_000;
  const out: string[] = [];
  const tick = new ProgressTicker((l) => out.push(l), { ...opts, now: () => t });
  return { tick, out, advance: (ms: number) => (t += ms) };
}

describe('ProgressTicker', () => {
  test('nothing before everyMs has passed; then at most one line every everyMs', () => {
    const { tick, out, advance } = ticker({ label: 'drift' });
    tick.update({ done: 10, unit: 'rows' });
    advance(4999);
    tick.update({ done: 20, unit: 'rows' });
    expect(out).toEqual([]);
    advance(1);
    tick.update({ done: 30, unit: 'rows' });
    expect(out).toEqual(['  drift: 30 rows read, 5.0 s elapsed']);
    advance(3000);
    tick.update({ done: 40, unit: 'rows' });
    expect(out).toHaveLength(1);
    advance(2000);
    tick.update({ done: 50, unit: 'rows' });
    expect(out).toHaveLength(2);
    expect(out[1]).toBe('  drift: 50 rows read, 10.0 s elapsed');
  });

  test('the ETA when the total is known, from the rate so far', () => {
    const { tick, out, advance } = ticker({ label: 'drift' });
    advance(12_300);
    tick.update({ done: 420_000, total: 1_000_000, unit: 'rows' });
    expect(out).toEqual(['  drift: 420,000 of 1,000,000 rows read, 12.3 s elapsed, ETA 17.0 s']);
  });

  test('no ETA with nothing done yet or everything done', () => {
    const { tick, out, advance } = ticker({ everyMs: 1000 });
    advance(1000);
    tick.update({ done: 0, total: 100, unit: 'requests' });
    advance(1000);
    tick.update({ done: 100, total: 100, unit: 'requests' });
    expect(out).toEqual(['  0 of 100 requests sent, 1.0 s elapsed', '  100 of 100 requests sent, 2.0 s elapsed']);
  });

  test('finish prints one last line, with the final figures or the last update, and ends the ticker', () => {
    const { tick, out, advance } = ticker({ label: 'load' });
    tick.update({ done: 5, unit: 'requests' });
    advance(2500);
    tick.finish({ done: 3000, unit: 'requests' });
    tick.finish();
    advance(10_000);
    tick.update({ done: 4000, unit: 'requests' });
    expect(out).toEqual(['  load: 3,000 requests sent, done in 2.5 s']);

    const other = ticker({ label: 'quality' });
    other.tick.update({ done: 7, total: 9, unit: 'rows' });
    other.advance(75_000);
    other.tick.finish();
    expect(other.out).toEqual(['  quality: 7 of 9 rows read, done in 1m15s']);

    const idle = ticker();
    idle.tick.finish();
    expect(idle.out).toEqual(['  done in 0.0 s']);
  });

  test('a label from outside stays on its line', () => {
    const { tick, out } = ticker({ label: 'a\n::error::b' });
    tick.finish({ done: 1, unit: 'rows' });
    expect(out).toEqual(['  a\\n::error::b: 1 rows read, done in 0.0 s']);
  });

  test('defaults: five seconds and the real clock', () => {
    const out: string[] = [];
    const tick = new ProgressTicker((l) => out.push(l));
    tick.update({ done: 1, unit: 'rows' });
    expect(out).toEqual([]);
  });
});

describe('formatCount and formatSeconds', () => {
  test.each([
    [0, '0'],
    [999, '999'],
    [1000, '1,000'],
    [1_234_567, '1,234,567'],
    [-1234.5, '-1,234.5'],
    [0.000001, '0.000001'],
    [1e-7, '1e-7'],
    [1e21, '1e+21'],
    [NaN, 'NaN'],
    [Infinity, '∞'],
  ])('%p → %p', (n, text) => {
    expect(formatCount(n)).toBe(text);
  });

  test('seconds with one decimal below a minute, then minutes and seconds', () => {
    expect([0, 49, 12_345, 59_949, 59_950, 125_000, NaN, -1].map(formatSeconds)).toEqual(['0.0 s', '0.0 s', '12.3 s', '59.9 s', '1m00s', '2m05s', '0.0 s', '0.0 s']);
  });
});
