/**
 * The load check: the project's load engine (undici pool, HDR histogram) against the deployment under test, the
 * policy's SLOs evaluated on what it measured, a latency chart and a per-second table for the summary.
 */
import type { LoadProgress } from '../load/engine';
import { latencyChart, seriesTable } from '../load/report';
import { evaluateSlos, formatMs, formatPercent, formatRate, type SloRow } from '../load/slo';
import { evaluateSlosOnFigures } from '../load/slo-figures';
import type { LoadCheck } from '../policy/types';
import type { ResultRow } from '../results/types';
import { countHeadline, timed } from './outcome';
import type { RunnerContext } from './ports';

function progressLine(name: string, p: LoadProgress): string {
  const eta = p.etaMs === undefined ? '' : `, ETA ${(p.etaMs / 1000).toFixed(1)} s`;
  return `  ${name}: ${p.phase}, ${p.sent.toLocaleString('en-US')} requests sent (${p.errors} errors), ${(p.elapsedMs / 1000).toFixed(1)} s elapsed${eta}`;
}

/** SLO rows as result rows: "p95 <= 300ms" → metric p95, expected "<= 300ms". */
export function sloResultRows(rows: readonly SloRow[], deployment: string): ResultRow[] {
  return rows.map((r) => {
    const [metric = r.rule, op = '', ...rest] = r.rule.split(/\s+/);
    return {
      subject: 'deployment ' + deployment,
      metric,
      measured: r.measuredText,
      expected: `${op} ${rest.join(' ')}`.trim(),
      status: r.passed ? 'passed' : 'failed',
      ...(r.measured === undefined ? {} : { value: r.measured }),
    };
  });
}

/** The load as a service's test run: the same rows, measured on the figures the service reports. */
function runOnService(check: LoadCheck, ctx: RunnerContext, deployment: string) {
  return timed(check, async () => {
    if (!ctx.loadService) throw new Error('no load service is bound for engine azure-load-testing');
    const run = await ctx.loadService.run(check, deployment, ctx.progress, ctx.signal);
    const rows = sloResultRows(evaluateSlosOnFigures(check.slo, run.figures), deployment);
    const f = run.figures;
    const p = (q: number) => (f.percentilesMs[q] === undefined ? '–' : formatMs(f.percentilesMs[q]!));
    const facts: Record<string, string | number> = {
      deployment,
      requests: f.samples,
      throughput: formatRate(f.throughput),
      'error rate': formatPercent(f.errorRate),
      'latency p50 / p95 / p99': f.samples > 0 ? `${p(50)} / ${p(95)} / ${p(99)}` : 'no answers',
      ...run.facts,
    };
    return { headline: countHeadline(rows, 'objectives'), rows, facts };
  });
}

export function runLoadCheck(check: LoadCheck, ctx: RunnerContext) {
  const port = ctx.port!;
  const deployment = check.deployment ?? port.target;
  if (check.engine?.kind === 'azure-load-testing') return runOnService(check, ctx, deployment);
  return timed(check, async () => {
    const headers = check.requests[0]?.headers ?? {};
    const result = await (await import('../load/engine')).runLoad({
      url: port.scoringUri,
      method: 'POST',
      headers,
      bodies: check.requests.map((r) => r.body ?? ''),
      bearer: port.bearer,
      deployment,
      mode: check.mode.kind === 'rate' ? { kind: 'rate', rps: check.mode.rps, maxInFlight: check.mode.maxInFlight } : { kind: 'concurrency', connections: check.mode.connections },
      ...(check.durationMs !== undefined ? { durationMs: check.durationMs } : {}),
      ...(check.requestCount !== undefined ? { requests: check.requestCount } : {}),
      warmupMs: check.warmupMs,
      timeoutMs: check.timeoutMs,
      signal: ctx.signal,
      progressEveryMs: ctx.progressEveryMs ?? 5000,
      onProgress: (p) => ctx.progress(progressLine(check.name, p)),
    });
    if (result.stopped === 'cancelled' && ctx.signal.aborted) throw ctx.signal.reason;
    const rows = sloResultRows(evaluateSlos(check.slo, result), deployment);
    const l = result.latency;
    const facts: Record<string, string | number> = {
      deployment,
      requests: result.completed,
      throughput: formatRate(result.throughput),
      'error rate': formatPercent(result.errorRate),
      'latency p50 / p95 / p99': l.count > 0 ? `${formatMs(l.p50Ms!)} / ${formatMs(l.p95Ms!)} / ${formatMs(l.p99Ms!)}` : 'no answers',
      measured: `${(result.elapsedMs / 1000).toFixed(1)} s${result.warmup.ms > 0 ? ` after a ${(result.warmup.ms / 1000).toFixed(1)} s warm-up` : ''}`,
    };
    const refused = result.status.byStatus['429'] ?? 0;
    if (refused > 0) facts['429 answers'] = `${refused}: the deployment refused requests beyond request_settings.max_concurrent_requests_per_instance × instances (Azure's default is 1); send fewer at once or raise that setting`;
    if (result.failures.length > 0) facts.failures = result.failures.map((f) => `${f.message} (${f.count}×)`).join('; ');
    const mermaid = latencyChart(result.series);
    const table = seriesTable(result.series);
    return { headline: countHeadline(rows, 'objectives'), rows, facts, extra: { ...(mermaid ? { mermaid } : {}), ...(table ? { table } : {}) } };
  });
}
