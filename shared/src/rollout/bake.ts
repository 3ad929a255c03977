/**
 * One bake: wait `bakeMs` after a traffic change, checking the rules every `checkIntervalMs` over the window
 * since the previous check, with the ports' load (the probe) running meanwhile. The bake fails as soon as more
 * than `failureLimit` checks have failed; a check whose measuring threw is inconclusive, so it fails too.
 */
import type { Logger } from '../core/logger';
import { checkRecord, describeCheck, type CheckRecord } from './analysis';
import type { AnalysisRule } from './analysis-rules';
import type { Measurements } from './metrics';
import type { RolloutPorts } from './ports';
import { isAbort, raceAbort } from './abort';

export interface BakeSettings {
  deployment: string;
  bakeMs: number;
  checkIntervalMs: number;
  rules: readonly AnalysisRule[];
  failureLimit: number;
}

export interface BakeOutcome {
  checks: CheckRecord[];
  /** Set when the bake failed: the reason, naming the failing rules */
  failure?: string;
}

export interface BakeContext {
  ports: RolloutPorts;
  signal: AbortSignal;
  logger: Logger;
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  now: () => number;
}

async function measure(ctx: BakeContext, deployment: string, start: number, end: number): Promise<Measurements | Error> {
  try {
    return await raceAbort(ctx.ports.metrics.measure(deployment, { start: new Date(start), end: new Date(end) }, ctx.signal), ctx.signal);
  } catch (e) {
    if (isAbort(e, ctx.signal)) throw e;
    return e instanceof Error ? e : new Error(String(e));
  }
}

export async function bake(settings: BakeSettings, ctx: BakeContext, onCheck?: (check: CheckRecord) => void): Promise<BakeOutcome> {
  const checks: CheckRecord[] = [];
  if (settings.bakeMs <= 0) return { checks };
  const load = new AbortController();
  const stopLoad = (): void => load.abort(ctx.signal.reason);
  ctx.signal.addEventListener('abort', stopLoad, { once: true });
  const running = ctx.ports.load ? ctx.ports.load(settings.deployment, load.signal).catch(() => undefined) : undefined;
  try {
    let waited = 0;
    let failed = 0;
    let windowStart = ctx.now();
    while (waited < settings.bakeMs) {
      const wait = Math.min(settings.checkIntervalMs, settings.bakeMs - waited);
      await ctx.sleep(wait, ctx.signal);
      waited += wait;
      if (settings.rules.length === 0) continue;
      const end = ctx.now();
      const measured = await measure(ctx, settings.deployment, windowStart, end);
      const check = checkRecord(settings.rules, { start: new Date(windowStart), end: new Date(end) }, measured);
      windowStart = end;
      checks.push(check);
      onCheck?.(check);
      const line = describeCheck(check, checks.length);
      if (check.passed) {
        ctx.logger.info(line);
        continue;
      }
      failed++;
      ctx.logger.warning(`${line} (${failed} failed, ${settings.failureLimit} tolerated)`);
      if (failed > settings.failureLimit) {
        const bad = check.results.filter((r) => r.verdict !== 'pass').map((r) => `${r.rule}: ${r.reason}`);
        if (check.error) bad.unshift(`measuring failed: ${check.error}`);
        return { checks, failure: `${failed} failed ${failed === 1 ? 'check' : 'checks'} (failure-limit ${settings.failureLimit}); last: ${bad.join('; ')}` };
      }
    }
    return { checks };
  } finally {
    ctx.signal.removeEventListener('abort', stopLoad);
    load.abort();
    await running;
  }
}
