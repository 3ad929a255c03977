/**
 * Where a staged rollout's wall time went, read off the requests the emulator journaled while it ran (pure: no
 * I/O). The phases, in the order the deploy-online step goes through them:
 *
 *   spawn ──startup──▶ first request ──reads, doctor──▶ deployment PUT ──create/update LRO──▶ first traffic PUT
 *   then per traffic step: PUT ──LRO (polls)──▶ last request before the bake ──bake (the longest quiet gap)──▶
 *   first request after it ──▶ next step's PUT (or exit, after the last step).
 *
 * The bake is taken as the longest gap between consecutive requests within a step (no analysis rules: nothing is
 * requested while a bake waits), so the step's LRO is the time from its PUT to the start of that gap.
 */

export interface JournalPoint {
  /** Epoch ms the emulator journaled the request (as its response left). */
  at: number;
  method: string;
  path: string;
  requestBody?: unknown;
}

export interface TrafficStep {
  /** The new deployment's share in this step's traffic map, percent. */
  share: number;
  /** Traffic PUT → last request before the bake (the endpoint update LRO and its polls). */
  lroMs: number;
  /** The bake as observed: the longest quiet gap in the step. */
  bakeMs: number;
  /** End of the bake → the next step's PUT (or exit). */
  afterBakeMs: number;
}

export interface RolloutBreakdown {
  wallMs: number;
  /** Spawn → the first request the emulator saw. */
  startupMs: number;
  /** First request → the deployment PUT (sign-in, reads, doctor, assets). */
  beforeDeploymentMs: number;
  /** Deployment PUT → the first traffic PUT giving it a share (its create or update LRO, and the smoke phase). */
  deploymentMs: number;
  steps: TrafficStep[];
  /** Wall time minus the observed bakes. */
  overheadMs: number;
}

const lower = (s: string) => s.toLowerCase().replace(/\?.*$/, '');

function trafficOf(p: JournalPoint): Record<string, number> | undefined {
  const body = p.requestBody as { properties?: { traffic?: unknown } } | undefined;
  const t = body?.properties?.traffic;
  return t && typeof t === 'object' ? (t as Record<string, number>) : undefined;
}

/**
 * The breakdown of one run from `startMs` (spawn) to `endMs` (exit), epoch ms, of a rollout of `deployment` on
 * `endpoint`. Throws when the journal lacks the deployment PUT or any traffic step (not the rollout expected).
 */
export function rolloutBreakdown(points: readonly JournalPoint[], startMs: number, endMs: number, endpoint: string, deployment: string): RolloutBreakdown {
  const inRun = points.filter((p) => p.at >= startMs && p.at <= endMs).sort((a, b) => a.at - b.at);
  if (inRun.length === 0) throw new Error('no request journaled during the run');
  const ep = `/onlineendpoints/${endpoint.toLowerCase()}`;
  const depPut = inRun.find((p) => p.method === 'PUT' && lower(p.path).endsWith(`${ep}/deployments/${deployment.toLowerCase()}`));
  if (!depPut) throw new Error(`no PUT of deployment ${deployment} journaled during the run`);
  const share = (p: JournalPoint) => {
    const t = trafficOf(p);
    if (!t) return undefined;
    const k = Object.keys(t).find((n) => n.toLowerCase() === deployment.toLowerCase());
    return k === undefined ? 0 : Number(t[k]);
  };
  const puts = inRun.filter((p) => p.at >= depPut.at && p.method === 'PUT' && lower(p.path).endsWith(ep) && (share(p) ?? 0) > 0);
  if (puts.length === 0) throw new Error(`no traffic PUT giving ${deployment} a share journaled during the run`);

  const steps: TrafficStep[] = puts.map((put, i) => {
    const until = i + 1 < puts.length ? puts[i + 1].at : endMs;
    const times = [...inRun.filter((p) => p.at >= put.at && p.at < until).map((p) => p.at), until];
    let gap = { from: times[0], to: times[0] };
    for (let n = 1; n < times.length; n++) if (times[n] - times[n - 1] > gap.to - gap.from) gap = { from: times[n - 1], to: times[n] };
    return { share: share(put) ?? 0, lroMs: gap.from - put.at, bakeMs: gap.to - gap.from, afterBakeMs: until - gap.to };
  });
  const wallMs = endMs - startMs;
  return {
    wallMs,
    startupMs: inRun[0].at - startMs,
    beforeDeploymentMs: depPut.at - inRun[0].at,
    deploymentMs: puts[0].at - depPut.at,
    steps,
    overheadMs: wallMs - steps.reduce((s, x) => s + x.bakeMs, 0),
  };
}
