/** A load run's result as Azure Load Testing statistics, and the test's pass/fail criteria judged on them. */
import { percentileMs } from '../../../src/checks/load/histogram';
import type { LoadResult } from '../../../src/checks/load/types';
import { isObject } from '../http';
import type { Json } from '../state/model';
import type { LtStatistics } from './state';

const r2 = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? 0 : Math.round(x * 100) / 100);

export function statisticsOf(res: LoadResult, sentBytes: number): LtStatistics {
  const h = res.histogram;
  const errors = res.completed + res.dropped - res.ok;
  const seconds = Math.max(res.elapsedMs / 1000, 1e-3);
  return {
    transaction: 'Total',
    sampleCount: res.completed,
    errorCount: errors,
    errorPct: r2(res.errorRate * 100),
    meanResTime: r2(h.totalCount ? h.mean / 1000 : 0),
    medianResTime: r2(percentileMs(h, 50)),
    maxResTime: r2(h.totalCount ? h.maxValue / 1000 : 0),
    minResTime: r2(h.totalCount ? h.minNonZeroValue / 1000 : 0),
    pct1ResTime: r2(percentileMs(h, 90)),
    pct2ResTime: r2(percentileMs(h, 95)),
    pct3ResTime: r2(percentileMs(h, 99)),
    throughput: r2(res.throughput),
    receivedKBytesPerSec: r2(res.bytes / 1024 / seconds),
    sentKBytesPerSec: r2(sentBytes / 1024 / seconds),
  };
}

function actual(m: Json, s: LtStatistics): number | undefined {
  const agg = String(m.aggregate);
  switch (m.clientmetric) {
    case 'response_time_ms':
    case 'latency':
      return ({ avg: s.meanResTime, p50: s.medianResTime, p90: s.pct1ResTime, p95: s.pct2ResTime, p99: s.pct3ResTime, min: s.minResTime, max: s.maxResTime } as Record<string, number>)[agg];
    case 'error':
      return agg === 'count' ? s.errorCount : s.errorPct;
    case 'requests':
      return s.sampleCount;
    case 'requests_per_sec':
      return s.throughput;
  }
  return undefined;
}

/** Each criterion with its actualValue and result, and the run's testResult. */
export function judge(metrics: Record<string, Json>, s: LtStatistics): { metrics: Record<string, Json>; testResult: 'PASSED' | 'FAILED' | 'NOT_APPLICABLE' } {
  const out: Record<string, Json> = {};
  let failed = false;
  for (const [k, m] of Object.entries(metrics)) {
    if (!isObject(m)) continue;
    const a = actual(m, s);
    // The criterion names when the run fails: {condition: '>', value: 300} fails above 300.
    const fails = a !== undefined && (m.condition === '>' ? a > Number(m.value) : a < Number(m.value));
    failed ||= fails;
    out[k] = { ...m, ...(a !== undefined ? { actualValue: a } : {}), result: a === undefined ? 'undetermined' : fails ? 'failed' : 'passed' };
  }
  return { metrics: out, testResult: Object.keys(out).length === 0 ? 'NOT_APPLICABLE' : failed ? 'FAILED' : 'PASSED' };
}
