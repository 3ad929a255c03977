/**
 * The HTTP client every credential is built with: sends through @azure/core-rest-pipeline's default client as
 * usual and records each attempt (host, status or connection failure) in the sign-in's log (./sign-in-attempts).
 * Loaded with the credential, not before the first request.
 */
import { createDefaultHttpClient, type HttpClient } from '@azure/core-rest-pipeline';
import { describeNetworkFailure } from '../core/network-error';
import { currentAttemptLog } from './sign-in-attempts';

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'the sign-in service';
  }
}

export function recordingHttpClient(inner: HttpClient = createDefaultHttpClient()): HttpClient {
  return {
    async sendRequest(request) {
      const log = currentAttemptLog();
      try {
        const response = await inner.sendRequest(request);
        log?.push({ host: hostOf(request.url), status: response.status });
        return response;
      } catch (e) {
        const failure = describeNetworkFailure(e, request.url);
        if (failure) log?.push({ host: hostOf(request.url), failure });
        throw e;
      }
    },
  };
}
