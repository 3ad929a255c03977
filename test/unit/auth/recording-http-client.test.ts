import { createHttpHeaders, createPipelineRequest, type HttpClient, type PipelineResponse } from '@azure/core-rest-pipeline';
import { recordingHttpClient } from '../../../shared/src/auth/recording-http-client';
import { withAttemptLog } from '../../../shared/src/auth/sign-in-attempts';

/** An inner client that answers `statuses` in turn; a number below 100 fails the request with ECONNREFUSED. */
function scripted(statuses: number[]): HttpClient {
  return {
    async sendRequest(request): Promise<PipelineResponse> {
      const status = statuses.shift()!;
      if (status < 100) throw Object.assign(new Error(`connect ECONNREFUSED 127.0.0.1:443`), { code: 'ECONNREFUSED' });
      return { status, headers: createHttpHeaders(), request };
    },
  };
}

const req = (url: string) => createPipelineRequest({ url });

describe('recordingHttpClient', () => {
  test('records each attempt of the sign-in in progress: host and status, or the connection failure', async () => {
    const client = recordingHttpClient(scripted([503, 0, 200]));
    const { attempts, failed } = await withAttemptLog(async () => {
      expect((await client.sendRequest(req('https://login.example:8443/t/oauth2/v2.0/token'))).status).toBe(503);
      await expect(client.sendRequest(req('https://login.example/t'))).rejects.toThrow(/ECONNREFUSED/);
      expect((await client.sendRequest(req('https://other.example/t'))).status).toBe(200);
    });
    expect(failed).toBe(false);
    expect(attempts.map((a) => [a.host, a.status ?? a.failure?.kind])).toEqual([
      ['login.example:8443', 503],
      ['login.example', 'refused'],
      ['other.example', 200],
    ]);
  });

  test('outside a sign-in it sends as usual: answers and failures pass through', async () => {
    const client = recordingHttpClient(scripted([204, 0]));
    expect((await client.sendRequest(req('https://login.example/t'))).status).toBe(204);
    await expect(client.sendRequest(req('https://login.example/t'))).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
