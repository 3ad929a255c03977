import {
  parseDeploymentChoice,
  parseMirrorPercent,
  parseOnFailure,
  parseOnSuccess,
  parseRolloutInputs,
  parseStrategy,
  parseTrafficSteps,
  parseFailureLimit,
} from '../../../shared/src/rollout/inputs';
import { inputErrorOf } from './input-error';

const inputErr = inputErrorOf;

describe('rollout inputs', () => {
  test('strategy: the four names, any case; blank is undefined; anything else names the input', () => {
    expect(parseStrategy('Canary')).toBe('canary');
    expect(parseStrategy('blue_green')).toBe('blue-green');
    expect(parseStrategy(' replace ')).toBe('replace');
    expect(parseStrategy('Stage')).toBe('stage');
    expect(parseStrategy('')).toBeUndefined();
    const e = inputErr(() => parseStrategy('rolling'));
    expect(e.input).toBe('strategy');
    expect(e.message).toBe("Input 'strategy' must be one of replace, blue-green, canary, stage; got 'rolling'.");
  });

  test('strategy stage moves no traffic: traffic-steps and mirror-percent are refused with it', () => {
    expect(parseRolloutInputs({ strategy: 'stage' }).strategy).toBe('stage');
    const steps = inputErr(() => parseRolloutInputs({ strategy: 'stage', 'traffic-steps': '10,100' }));
    expect(steps.input).toBe('traffic-steps');
    expect(steps.message).toBe("Input 'traffic-steps' applies to strategy canary, not stage.");
    const mirror = inputErr(() => parseRolloutInputs({ strategy: 'stage', 'mirror-percent': '10' }));
    expect(mirror.input).toBe('mirror-percent');
    expect(mirror.message).toMatch(/strategy stage leaves the traffic and mirror maps as they are/);
    expect(mirror.hint).toMatch(/blue-green or canary run that promotes/);
  });

  test('traffic-steps: increasing whole percents ending at 100', () => {
    expect(parseTrafficSteps('10,25,50,100')).toEqual([10, 25, 50, 100]);
    expect(parseTrafficSteps('10% 50% 100%')).toEqual([10, 50, 100]);
    expect(parseTrafficSteps('100')).toEqual([100]);
    expect(parseTrafficSteps(undefined)).toBeUndefined();
    expect(inputErr(() => parseTrafficSteps('10,50')).message).toMatch(/must end at 100/);
    expect(inputErr(() => parseTrafficSteps('50,25,100')).message).toMatch(/must increase step by step \(50 then 25\)/);
    expect(inputErr(() => parseTrafficSteps('10,10,100')).message).toMatch(/50|10 then 10/);
    expect(inputErr(() => parseTrafficSteps('0,100')).message).toMatch(/'0' is not one/);
    expect(inputErr(() => parseTrafficSteps('10,2.5,100')).message).toMatch(/'2.5' is not one/);
    expect(inputErr(() => parseTrafficSteps('10,150')).input).toBe('traffic-steps');
  });

  test('mirror-percent 0..50, failure-limit 0..100', () => {
    expect(parseMirrorPercent(undefined)).toBe(0);
    expect(parseMirrorPercent('50')).toBe(50);
    expect(inputErr(() => parseMirrorPercent('51')).message).toBe("Input 'mirror-percent' must be a whole number from 0 to 50, got '51'.");
    expect(inputErr(() => parseMirrorPercent('10%')).input).toBe('mirror-percent');
    expect(parseFailureLimit(undefined)).toBe(1);
    expect(parseFailureLimit('0')).toBe(0);
    expect(inputErr(() => parseFailureLimit('-1')).input).toBe('failure-limit');
  });

  test('on-success: keep, delete, scale-down, scale-down:N; on-failure: keep, delete', () => {
    expect(parseOnSuccess(undefined)).toEqual({ action: 'keep' });
    expect(parseOnSuccess('Delete')).toEqual({ action: 'delete' });
    expect(parseOnSuccess('scale-down')).toEqual({ action: 'scale-down', instances: 1 });
    expect(parseOnSuccess('scale-down:2')).toEqual({ action: 'scale-down', instances: 2 });
    expect(inputErr(() => parseOnSuccess('scale-down:0')).input).toBe('on-success');
    expect(inputErr(() => parseOnSuccess('archive')).message).toMatch(/keep, delete, scale-down or scale-down:<instances>/);
    expect(parseOnFailure('DELETE')).toBe('delete');
    expect(parseOnFailure('')).toBe('keep');
    expect(inputErr(() => parseOnFailure('scale-down')).input).toBe('on-failure');
  });

  test('deployment-name: auto (default) with the blue/green pair or a given pair; a name is checked', () => {
    expect(parseDeploymentChoice(undefined, undefined)).toEqual({ kind: 'auto', pair: ['blue', 'green'] });
    expect(parseDeploymentChoice('AUTO', 'prod-a, prod-b')).toEqual({ kind: 'auto', pair: ['prod-a', 'prod-b'] });
    expect(parseDeploymentChoice('green-v2', undefined)).toEqual({ kind: 'named', name: 'green-v2' });
    expect(inputErr(() => parseDeploymentChoice('a_b', undefined)).input).toBe('deployment-name');
    expect(inputErr(() => parseDeploymentChoice('auto', 'blue')).input).toBe('deployment-names');
    expect(inputErr(() => parseDeploymentChoice('auto', 'blue,Blue')).message).toMatch(/two different deployment names/);
    expect(inputErr(() => parseDeploymentChoice('auto', 'blue,9x')).input).toBe('deployment-names');
  });

  test('all together, with defaults', () => {
    const c = parseRolloutInputs({ 'traffic-steps': '20,100', analysis: 'latency.p95 <= 300ms', bakeTimeMs: 120_000 });
    expect(c).toMatchObject({
      deployment: { kind: 'auto' },
      trafficSteps: [20, 100],
      mirrorPercent: 0,
      bakeMs: 120_000,
      checkIntervalMs: 60_000,
      failureLimit: 1,
      onSuccess: { action: 'keep' },
      onFailure: 'keep',
    });
    expect(c.strategy).toBeUndefined();
    expect(c.rules.map((r) => r.metric)).toEqual(['latency.p95']);
    // A short bake checks once, at its end.
    expect(parseRolloutInputs({ bakeTimeMs: 20_000 }).checkIntervalMs).toBe(20_000);
  });

  test('combinations that cannot work name the input', () => {
    expect(inputErr(() => parseRolloutInputs({ strategy: 'blue-green', 'traffic-steps': '10,100' })).input).toBe('traffic-steps');
    expect(inputErr(() => parseRolloutInputs({ strategy: 'replace', 'mirror-percent': '10' })).input).toBe('mirror-percent');
    expect(inputErr(() => parseRolloutInputs({ bakeTimeMs: 60_000, checkIntervalMs: 120_000 })).input).toBe('check-interval');
    expect(inputErr(() => parseRolloutInputs({ analysis: 'latency.p95 <= 300' })).input).toBe('analysis');
  });
});
