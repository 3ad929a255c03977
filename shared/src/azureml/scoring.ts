/**
 * Calls to an online endpoint's scoring URI (the data plane): one keep-alive agent, the endpoint's credential as a
 * bearer, and `azureml-model-deployment` to reach one deployment whatever the traffic map says (reference §6.1).
 * Answers are returned, never thrown: a probe judges them.
 */
import { Agent, request } from 'node:https';
import { performance } from 'node:perf_hooks';

export interface ScoreRequest {
  body: string;
  /** Route to this deployment (the azureml-model-deployment header); the traffic map decides when absent. */
  deployment?: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

export interface ScoreResponse {
  /** HTTP status; 0 when no answer came (network error or timeout). */
  status: number;
  body: string;
  latencyMs: number;
  /** The deployment that answered, from the response header when the service sends it. */
  servedBy?: string;
  /** Why there was no answer. */
  error?: string;
}

export class ScoringClient {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 16 });

  /** `bearer` is asked for each request; it caches (and refreshes) the key or token itself. */
  constructor(
    readonly scoringUri: string,
    private readonly bearer: () => Promise<string>,
    private readonly signal?: AbortSignal,
  ) {
    const u = new URL(scoringUri);
    if (u.protocol !== 'https:') throw new Error(`Refusing to send the endpoint's credential to non-https '${scoringUri}'`);
  }

  score(req: ScoreRequest): Promise<ScoreResponse> {
    return this.send('POST', this.scoringUri, req);
  }

  /** A GET with the same credential, on the scoring URI's host only (a batch job's status). */
  get(url: string, timeoutMs?: number): Promise<ScoreResponse> {
    if (new URL(url).host !== new URL(this.scoringUri).host) throw new Error(`Refusing to send the endpoint's credential to another host: '${url}'`);
    return this.send('GET', url, { body: '', timeoutMs });
  }

  private async send(method: 'GET' | 'POST', url: string, req: ScoreRequest): Promise<ScoreResponse> {
    const token = await this.bearer();
    const headers: Record<string, string> = {
      ...(method === 'POST' ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(req.body)) } : {}),
      ...req.headers,
      authorization: `Bearer ${token}`,
    };
    if (req.deployment) headers['azureml-model-deployment'] = req.deployment;
    const started = performance.now();
    return new Promise<ScoreResponse>((resolve) => {
      const done = (r: Omit<ScoreResponse, 'latencyMs'>) => resolve({ ...r, latencyMs: performance.now() - started });
      const r = request(url, { method, headers, agent: this.agent, signal: this.signal, timeout: req.timeoutMs ?? 30_000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const servedBy = res.headers['azureml-model-deployment'];
          done({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), servedBy: typeof servedBy === 'string' ? servedBy : undefined });
        });
        res.on('error', (e) => done({ status: 0, body: '', error: e.message }));
      });
      r.on('timeout', () => r.destroy(new Error(`no answer within ${req.timeoutMs ?? 30_000} ms`)));
      r.on('error', (e) => done({ status: 0, body: '', error: e.message }));
      r.end(method === 'POST' ? req.body : undefined);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
