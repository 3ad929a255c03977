import { startDeadline, deadlineError } from '../../../shared/src/core/deadline';
import { waitFor } from '../../../shared/src/core/wait-for';

/** A fake clock whose sleeps only advance time, recording each pause. */
function fakeClock() {
  let t = 1_000_000;
  const pauses: number[] = [];
  return {
    pauses,
    now: () => t,
    sleep: async (ms: number) => {
      pauses.push(ms);
      t += ms;
    },
  };
}

describe('waitFor', () => {
  test('returns the first answer at once, without pausing', async () => {
    const clock = fakeClock();
    const probe = jest.fn(async () => 'ready');
    await expect(waitFor(probe, { ...clock, limitMs: 1000 })).resolves.toBe('ready');
    expect(probe).toHaveBeenCalledTimes(1);
    expect(clock.pauses).toEqual([]);
  });

  test('polls with growing pauses up to the ceiling until the probe answers', async () => {
    const clock = fakeClock();
    let calls = 0;
    const probe = async () => (++calls === 6 ? calls : undefined);
    await expect(waitFor(probe, { ...clock, firstDelayMs: 100, factor: 2, maxDelayMs: 500 })).resolves.toBe(6);
    expect(clock.pauses).toEqual([100, 200, 400, 500, 500]);
  });

  test('gives up with undefined at the limit, the last pause cut short so the last probe is at the limit', async () => {
    const clock = fakeClock();
    const start = clock.now();
    const probedAt: number[] = [];
    const probe = async () => {
      probedAt.push(clock.now() - start);
      return undefined;
    };
    await expect(waitFor(probe, { ...clock, limitMs: 1000, firstDelayMs: 300, factor: 2, maxDelayMs: 10_000 })).resolves.toBeUndefined();
    expect(clock.pauses).toEqual([300, 600, 100]);
    expect(probedAt).toEqual([0, 300, 900, 1000]);
  });

  test('a falsy answer other than undefined ends the wait', async () => {
    const clock = fakeClock();
    await expect(waitFor(async () => 0, { ...clock, limitMs: 1000 })).resolves.toBe(0);
    await expect(waitFor(async () => false, { ...clock, limitMs: 1000 })).resolves.toBe(false);
  });

  test('a probe that throws ends the wait with its error', async () => {
    const clock = fakeClock();
    let calls = 0;
    const probe = async () => {
      if (++calls === 2) throw new Error('boom');
      return undefined;
    };
    await expect(waitFor(probe, { ...clock, limitMs: 10_000 })).rejects.toThrow('boom');
    expect(calls).toBe(2);
  });

  test('an already aborted signal stops it before the first probe', async () => {
    const ac = new AbortController();
    ac.abort();
    const probe = jest.fn(async () => 'x');
    await expect(waitFor(probe, { signal: ac.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(probe).not.toHaveBeenCalled();
  });

  test('the deadline aborts a real pause at once, and is reported as the step timeout', async () => {
    const deadline = startDeadline(50);
    const started = Date.now();
    let calls = 0;
    const error = await waitFor(
      async () => {
        calls++;
        return undefined;
      },
      { signal: deadline.signal, firstDelayMs: 10_000 },
    ).catch((e: unknown) => e);
    deadline.clear();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(calls).toBe(1);
    expect(error).toMatchObject({ name: 'AbortError' });
    expect(deadlineError(deadline, error)).toMatchObject({ kind: 'timeout' });
  });

  test('without a limit it keeps waiting until the probe answers', async () => {
    const clock = fakeClock();
    let calls = 0;
    await expect(waitFor(async () => (++calls === 50 ? 'late' : undefined), { ...clock, maxDelayMs: 5000 })).resolves.toBe('late');
    expect(calls).toBe(50);
    expect(Math.max(...clock.pauses)).toBe(5000);
  });
});
