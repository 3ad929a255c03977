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

  async score(req: ScoreRequest): Promise<ScoreResponse> {
    const token = await this.bearer();
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      ...req.headers,
      authorization: `Bearer ${token}`,
      'content-length': String(Buffer.byteLength(req.body)),
    };
    if (req.deployment) headers['azureml-model-deployment'] = req.deployment;
    const started = performance.now();
    return new Promise<ScoreResponse>((resolve) => {
      const done = (r: Omit<ScoreResponse, 'latencyMs'>) => resolve({ ...r, latencyMs: performance.now() - started });
      const r = request(this.scoringUri, { method: 'POST', headers, agent: this.agent, signal: this.signal, timeout: req.timeoutMs ?? 30_000 }, (res) => {
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
      r.end(req.body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
