/**
 * The scoring data plane's requests per second and p99 latency against a bare Node HTTPS server answering the same
 * JSON, in one run (goal >= 0.5× the bare server's rps). A deployment is rolled out with the CLI bundle
 * (deploy-online, the fixture YAML, max_concurrent_requests_per_instance 16 so 16 connections are not answered
 * 429), then POST /inference/…/score is loaded with the endpoint key over 16 keep-alive connections, the same body
 * each time, with the emulator's test behaviour `output` set: the data plane answers without calling the Python
 * script, so the figure is the emulator's own routing, authentication and metrics recording. The bare server
 * answers the text the real script answered. One more line with the real Python script behind the data plane, for
 * reference (not against the goal). Latency is per request, first byte written → body read; percentiles by
 * nearest rank on the sorted samples. The load generator, the emulator and the bare server share this process.
 *
 *   npx tsx bench/scoring-rps.ts [requests] [connections]        (default 5000 16; BENCH_SCORING_REQUESTS)
 *   import { measureScoringRps } from './scoring-rps'; await measureScoringRps()
 */
import { Agent, createServer, request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { TEST_CA_DIR, type TestEmulator } from '../test/support/emulator';
import { armJson, deployOnce, startDeployEmulator } from './deploy-setup';
import { formatTable, intFromEnv, percentile } from './stats';

/** The request every side gets (the fixture score.py answers the length of each row). */
export const SCORING_BODY = JSON.stringify({ data: [[0.5, 1.5, 2.5, 3.5], [4.5, 5.5, 6.5, 7.5]] });

export interface LoadFigures {
  requests: number;
  seconds: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Answers other than 200, by status. */
  errors: Record<string, number>;
}

export interface ScoringRpsResult {
  goal: string;
  requests: number;
  connections: number;
  bodyBytes: number;
  lroDurationMs: number;
  /** The data plane with behaviour `output` set (no Python call). */
  emulator: LoadFigures;
  bare: LoadFigures;
  /** The data plane calling the real score.py (reference only). */
  python: LoadFigures;
  /** emulator.rps / bare.rps */
  ratio: number;
  /** emulator.p99 / bare.p99 */
  p99Ratio: number;
  /** python.rps / bare.rps */
  pythonRatio: number;
}

interface Target {
  url: URL;
  headers: Record<string, string>;
}

function post(agent: Agent, t: Target, body: string): Promise<{ status: number; text: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = request(t.url, { method: 'POST', agent, headers: { ...t.headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - t0 }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** `requests` POSTs over `connections` keep-alive connections (one worker each), timed as a whole and one by one. */
export async function loadOnce(ca: string, t: Target, body: string, requests: number, connections: number): Promise<{ seconds: number; latencies: number[]; statuses: number[] }> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections, ca });
  const latencies: number[] = [];
  const statuses: number[] = [];
  let left = requests;
  const worker = async () => {
    while (left-- > 0) {
      const r = await post(agent, t, body);
      latencies.push(r.ms);
      statuses.push(r.status);
    }
  };
  const started = performance.now();
  try {
    await Promise.all(Array.from({ length: connections }, worker));
  } finally {
    agent.destroy();
  }
  return { seconds: (performance.now() - started) / 1000, latencies, statuses };
}

/** Figures over one or more load runs of the same side (rps over their summed time). */
export function figures(runs: readonly { seconds: number; latencies: number[]; statuses: number[] }[]): LoadFigures {
  const latencies = runs.flatMap((r) => r.latencies);
  const seconds = runs.reduce((s, r) => s + r.seconds, 0);
  const errors: Record<string, number> = {};
  for (const s of runs.flatMap((r) => r.statuses)) if (s !== 200) errors[String(s)] = (errors[String(s)] ?? 0) + 1;
  const round = (x: number) => Number(x.toFixed(2));
  return {
    requests: latencies.length,
    seconds: round(seconds),
    rps: Math.round(latencies.length / seconds),
    p50Ms: round(percentile(latencies, 50)),
    p99Ms: round(percentile(latencies, 99)),
    maxMs: round(Math.max(...latencies)),
    errors,
  };
}

export async function measureScoringRps(opts: { requests?: number; connections?: number; lroDurationMs?: number } = {}): Promise<ScoringRpsResult> {
  const requests = opts.requests ?? intFromEnv(process.env, 'BENCH_SCORING_REQUESTS', 5000);
  const connections = opts.connections ?? 16;
  const lroDurationMs = opts.lroDurationMs ?? 500;
  const ca = readFileSync(join(TEST_CA_DIR, 'ca.pem'), 'utf8');
  const t: TestEmulator = await startDeployEmulator(lroDurationMs);
  const bare = createServer({ cert: readFileSync(join(TEST_CA_DIR, 'server.pem')), key: readFileSync(join(TEST_CA_DIR, 'server-key.pem')) });
  try {
    const endpoint = `bench-score-${randomBytes(3).toString('hex')}`;
    process.stderr.write(`bench: scoring: deploying ${endpoint}\n`);
    const { outputs } = await deployOnce(t, endpoint, { bakeMs: 1, set: ['request_settings.max_concurrent_requests_per_instance=16'] });
    const deployment = outputs['deployment-name'];
    const ws = `/subscriptions/${t.env.AZURE_SUBSCRIPTION_ID}/resourceGroups/${t.env.AML_RESOURCE_GROUP}/providers/Microsoft.MachineLearningServices/workspaces/${t.env.AML_WORKSPACE}`;
    const ep = await armJson<{ properties: { scoringUri?: string } }>(t, 'GET', `${ws}/onlineEndpoints/${endpoint}`);
    const scoringUri = ep.json?.properties?.scoringUri;
    if (ep.status !== 200 || !scoringUri) throw new Error(`GET endpoint ${endpoint}: ${ep.status} ${JSON.stringify(ep.json)}`);
    const keys = await t.control.call<{ primaryKey: string }>('GET', `/_emulator/scoring/keys?endpoint=${encodeURIComponent(endpoint)}`);
    const emuTarget: Target = { url: new URL(scoringUri), headers: { authorization: `Bearer ${keys.primaryKey}` } };

    // What the real script answers: the fixed output of the behaviour, and the bare server's answer.
    const first = await post(new Agent({ ca }), emuTarget, SCORING_BODY);
    if (first.status !== 200) throw new Error(`scoring ${scoringUri}: ${first.status} ${first.text.slice(0, 500)}`);
    const answer = first.text;
    const setOutput = () => t.control.call('POST', '/_emulator/scoring/behaviour', { endpoint, deployment, output: JSON.parse(answer) });
    const clearBehaviour = () => t.control.call('POST', '/_emulator/scoring/behaviour', { endpoint, deployment });
    await setOutput();
    const fixed = await post(new Agent({ ca }), emuTarget, SCORING_BODY);
    if (fixed.status !== 200 || fixed.text !== answer) throw new Error(`with output set the data plane answered ${fixed.status} ${fixed.text.slice(0, 200)} (the script: ${answer})`);

    bare.on('request', (req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
        res.end(answer);
      });
    });
    await new Promise<void>((r) => bare.listen(0, '127.0.0.1', () => r()));
    const bareTarget: Target = { url: new URL(`https://127.0.0.1:${(bare.address() as AddressInfo).port}${emuTarget.url.pathname}`), headers: emuTarget.headers };

    // Warm-up on both, then halves in ABBA order so both sides see the same machine load.
    process.stderr.write(`bench: scoring: ${requests} requests × 2 sides, ${connections} connections\n`);
    const warm = Math.min(500, requests);
    await loadOnce(ca, emuTarget, SCORING_BODY, warm, connections);
    await loadOnce(ca, bareTarget, SCORING_BODY, warm, connections);
    const half = Math.ceil(requests / 2);
    const e1 = await loadOnce(ca, emuTarget, SCORING_BODY, half, connections);
    const b1 = await loadOnce(ca, bareTarget, SCORING_BODY, half, connections);
    const b2 = await loadOnce(ca, bareTarget, SCORING_BODY, half, connections);
    const e2 = await loadOnce(ca, emuTarget, SCORING_BODY, half, connections);
    const emulator = figures([e1, e2]);
    const bareFigures = figures([b1, b2]);

    process.stderr.write(`bench: scoring: ${requests} requests through the Python script\n`);
    await clearBehaviour();
    await loadOnce(ca, emuTarget, SCORING_BODY, Math.min(200, requests), connections);
    const python = figures([await loadOnce(ca, emuTarget, SCORING_BODY, requests, connections)]);

    return {
      goal: 'emulator rps >= 0.5 × bare rps (behaviour output set)',
      requests,
      connections,
      bodyBytes: Buffer.byteLength(SCORING_BODY),
      lroDurationMs,
      emulator,
      bare: bareFigures,
      python,
      ratio: Number((emulator.rps / bareFigures.rps).toFixed(3)),
      p99Ratio: Number((emulator.p99Ms / bareFigures.p99Ms).toFixed(2)),
      pythonRatio: Number((python.rps / bareFigures.rps).toFixed(3)),
    };
  } finally {
    bare.close();
    await t.stop();
  }
}

/** The section as the bench prints it. */
export function scoringRpsTable(r: ScoringRpsResult): string {
  const errs = (f: LoadFigures) => Object.entries(f.errors).map(([s, n]) => `${n}×${s}`).join(' ') || '0';
  const row = (label: string, f: LoadFigures, ratio: string, goal: string) => [label, String(f.rps), f.p50Ms.toFixed(1), f.p99Ms.toFixed(1), ratio, errs(f), String(f.requests), goal];
  return formatTable(
    ['side', 'req/s', 'p50 ms', 'p99 ms', 'rps ratio vs bare', 'non-200', 'n', 'goal'],
    [
      row('data plane, behaviour output (no Python)', r.emulator, `${r.ratio.toFixed(3)} (p99 ${r.p99Ratio.toFixed(2)}×)`, '>= 0.5×'),
      row('bare Node HTTPS server, same JSON', r.bare, '1', ''),
      row('data plane → real score.py (reference)', r.python, r.pythonRatio.toFixed(3), 'not a goal'),
    ],
  );
}

if (require.main === module) {
  const [n, c] = process.argv.slice(2).map(Number);
  measureScoringRps({ requests: n || undefined, connections: c || undefined })
    .then((r) => {
      console.log(`Scoring data plane: POST /score, ${r.bodyBytes}-byte body, endpoint key, ${r.connections} keep-alive connections, ${r.requests} requests per side`);
      console.log(scoringRpsTable(r));
      console.log(JSON.stringify(r));
    })
    .catch((e) => {
      console.error(e);
      process.exit(1);
    });
}
