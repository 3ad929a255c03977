/**
 * P5: the staging-checks load engine (shared/src/checks/load) against autocannon, the same load on the same bare
 * server: goal rps >= 0.9× autocannon's and a p99 within ±10% of autocannon's. The server is a bare node:http
 * server in a child process answering a fixed JSON to every POST once its body is read, so neither load generator
 * shares the server's event loop; the two generators take turns in this process, the same keep-alive
 * connections, the same duration, the same body and headers, in ABBA pairs after discarded warm-up pairs.
 *
 * Figures a side: requests a second (completed requests / the run's own measured seconds) and p99. autocannon's
 * own histogram holds whole milliseconds, too coarse for a sub-millisecond server, so its p99 here comes from the
 * response times it reports on each `response` event (fractional ms), recorded into the same 1 µs – 60 s HDR
 * histogram the engine uses; the p99 it prints itself is kept for the record. The listener is one function call
 * a response on autocannon's side (a cost that, if anything, favours the engine's rps by a hair).
 *
 *   npx tsx bench/load.ts [seconds] [connections]
 *   BENCH_LOAD_SECONDS (5), BENCH_LOAD_CONNECTIONS (16), BENCH_LOAD_PAIRS (6), BENCH_LOAD_WARMUP (1)
 *   import { measureLoad } from './load'; await measureLoad()
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { runLoad } from '../shared/src/checks/load/engine';
import { latencyHistogram, toMicros } from '../shared/src/checks/load/histogram';
import { formatRange, formatTable, intFromEnv, pairRatios, runPairs, summarize, type Pair2, type Summary } from './stats';

/** What autocannon exports, as far as this bench uses it. */
interface AutocannonResult {
  duration: number;
  requests: { total: number };
  latency: { p99: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}
interface AutocannonInstance {
  on(event: 'response', f: (client: unknown, statusCode: number, resBytes: number, responseTimeMs: number) => void): void;
}
type Autocannon = (opts: Record<string, unknown>, done: (err: Error | null, result: AutocannonResult) => void) => AutocannonInstance;

// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as Autocannon;

export const LOAD_BODY = JSON.stringify({ data: [[0.5, 1.5, 2.5, 3.5], [4.5, 5.5, 6.5, 7.5]] });
const LOAD_HEADERS = { 'content-type': 'application/json', authorization: 'Bearer bench-key', 'azureml-model-deployment': 'blue' };

/** The bare server: reads the body, answers the same JSON (after DELAY_MS when set), keeps connections open; prints its port. */
const SERVER_SOURCE = `
const http = require('node:http');
const answer = JSON.stringify([4, 4]);
const delay = Number(process.env.DELAY_MS || 0);
const server = http.createServer((req, res) => {
  req.on('data', () => {});
  req.on('end', () => {
    const send = () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(answer);
    };
    if (delay > 0) setTimeout(send, delay);
    else send();
  });
});
server.keepAliveTimeout = 120000;
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
process.on('disconnect', () => process.exit(0));
`;

export interface LoadSide {
  requests: number;
  seconds: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** Non-2xx answers, errors and timeouts */
  errors: number;
}

export interface AutocannonSide extends LoadSide {
  /** The p99 autocannon prints itself (whole ms) */
  reportedP99Ms: number;
}

export interface LoadBenchResult {
  goal: string;
  connections: number;
  seconds: number;
  /** The server's delay before each answer (0: the bare server, the P5 figure) */
  delayMs: number;
  bodyBytes: number;
  pairs: Pair2<AutocannonSide, LoadSide>[];
  /** Per pair: ours / autocannon */
  rpsRatio: Summary;
  p99Ratio: Summary;
  autocannonRps: Summary;
  oursRps: Summary;
  autocannonP99Ms: Summary;
  oursP99Ms: Summary;
}

async function startServer(delayMs: number): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['-e', SERVER_SOURCE], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'], env: { ...process.env, DELAY_MS: String(delayMs) } });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the bench server exited (${code}) before listening`)));
    createInterface({ input: child.stdout! }).once('line', (l) => resolve(Number(l)));
  });
  return { url: `http://127.0.0.1:${port}/score`, child };
}

function runAutocannon(url: string, connections: number, seconds: number): Promise<AutocannonSide> {
  const h = latencyHistogram();
  return new Promise((resolve, reject) => {
    const instance = autocannon({ url, connections, pipelining: 1, duration: seconds, method: 'POST', headers: LOAD_HEADERS, body: LOAD_BODY }, (err, r) => {
      if (err) return reject(err);
      resolve({
        requests: r.requests.total,
        seconds: r.duration,
        rps: r.requests.total / r.duration,
        p50Ms: h.getValueAtPercentile(50) / 1000,
        p99Ms: h.getValueAtPercentile(99) / 1000,
        reportedP99Ms: r.latency.p99,
        errors: r.errors + r.timeouts + r.non2xx,
      });
      h.destroy();
    });
    instance.on('response', (_c, status, _bytes, ms) => {
      if (status >= 200 && status < 300) h.recordValue(toMicros(ms));
    });
  });
}

async function runOurs(url: string, connections: number, seconds: number): Promise<LoadSide> {
  const r = await runLoad({ url, method: 'POST', headers: LOAD_HEADERS, bodies: LOAD_BODY, mode: { kind: 'concurrency', connections }, durationMs: seconds * 1000 });
  r.histogram.destroy();
  return { requests: r.completed, seconds: r.elapsedMs / 1000, rps: r.throughput, p50Ms: r.latency.p50Ms ?? NaN, p99Ms: r.latency.p99Ms ?? NaN, errors: r.completed - r.ok };
}

/**
 * `delayMs` (BENCH_LOAD_DELAY_MS, default 0) makes the server wait before each answer: not the P5 figure (that is
 * the bare server), a check that both tools measure the same latency when it is the server's and not the machine's.
 */
export async function measureLoad(opts: { seconds?: number; connections?: number; pairs?: number; warmup?: number; delayMs?: number } = {}): Promise<LoadBenchResult> {
  const seconds = opts.seconds ?? intFromEnv(process.env, 'BENCH_LOAD_SECONDS', 5);
  const connections = opts.connections ?? intFromEnv(process.env, 'BENCH_LOAD_CONNECTIONS', 16);
  const runs = opts.pairs ?? intFromEnv(process.env, 'BENCH_LOAD_PAIRS', 6);
  const warmup = opts.warmup ?? intFromEnv(process.env, 'BENCH_LOAD_WARMUP', 1, 0);
  const delayMs = opts.delayMs ?? intFromEnv(process.env, 'BENCH_LOAD_DELAY_MS', 0, 0);
  const { url, child } = await startServer(delayMs);
  try {
    process.stderr.write(`bench: load: ${warmup}+${runs} pairs of ${seconds} s, ${connections} connections${delayMs > 0 ? `, answers ${delayMs} ms late` : ''}\n`);
    const { pairs } = await runPairs(
      runs,
      warmup,
      () => runAutocannon(url, connections, seconds),
      () => runOurs(url, connections, seconds),
    );
    for (const p of pairs) if (p.a.errors > 0 || p.b.errors > 0) throw new Error(`load: errors against the bare server (autocannon ${p.a.errors}, ours ${p.b.errors})`);
    return {
      goal: 'rps >= 0.9× autocannon, p99 within ±10% of autocannon',
      connections,
      seconds,
      delayMs,
      bodyBytes: Buffer.byteLength(LOAD_BODY),
      pairs,
      rpsRatio: summarize(pairRatios(pairs, (b) => b.rps, (a) => a.rps)),
      p99Ratio: summarize(pairRatios(pairs, (b) => b.p99Ms, (a) => a.p99Ms)),
      autocannonRps: summarize(pairs.map((p) => p.a.rps)),
      oursRps: summarize(pairs.map((p) => p.b.rps)),
      autocannonP99Ms: summarize(pairs.map((p) => p.a.p99Ms)),
      oursP99Ms: summarize(pairs.map((p) => p.b.p99Ms)),
    };
  } finally {
    child.kill();
  }
}

/** The section as the bench prints it: a row a pair, then the medians of the per-pair ratios. */
export function loadTable(r: LoadBenchResult): string {
  const rows = r.pairs.map((p, i) => [
    String(i + 1),
    p.a.rps.toFixed(0),
    p.b.rps.toFixed(0),
    (p.b.rps / p.a.rps).toFixed(3),
    p.a.p99Ms.toFixed(3),
    p.b.p99Ms.toFixed(3),
    (p.b.p99Ms / p.a.p99Ms).toFixed(3),
    String(p.a.reportedP99Ms),
  ]);
  rows.push(['median [min–max]', formatRange(r.autocannonRps), formatRange(r.oursRps), formatRange(r.rpsRatio, 3), formatRange(r.autocannonP99Ms, 3), formatRange(r.oursP99Ms, 3), formatRange(r.p99Ratio, 3), '']);
  return formatTable(['pair', 'autocannon req/s', 'ours req/s', 'rps ratio (≥ 0.9)', 'autocannon p99 ms', 'ours p99 ms', 'p99 ratio (0.9–1.1)', 'autocannon printed p99'], rows);
}

if (require.main === module) {
  const [s, c] = process.argv.slice(2).map(Number);
  measureLoad({ seconds: s || undefined, connections: c || undefined })
    .then((r) => {
      const server = r.delayMs > 0 ? `node:http server answering ${r.delayMs} ms late` : 'bare node:http server';
      console.log(`P5 load engine vs autocannon: POST, ${r.bodyBytes}-byte body, ${r.connections} keep-alive connections, ${r.seconds} s a side, ${server} in a child process`);
      console.log(loadTable(r));
      console.log(JSON.stringify(r));
    })
    .catch((e) => {
      console.error(e);
      process.exit(1);
    });
}
