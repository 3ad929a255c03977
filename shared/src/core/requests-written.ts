/**
 * "Are the early requests on the wire yet?" A step starts its first requests (the ID token, the tenant's metadata)
 * and then loads @azure/identity, about 25 ms of work that holds the event loop. Loaded too early, it holds back the
 * TLS handshakes of those requests, so they leave later and every answer after them comes later. `requestsWritten`
 * waits until each HTTP request started since `watchRequests` has been written out (or has failed), at most
 * `capMs`: the long work then runs while the answers are on their way.
 *
 * Requests are seen through Node's `http.client.request.start` diagnostics channel, so requests made by libraries
 * (@actions/core's ID token) count too. Where the channel does not exist nothing is waited for; this only ever
 * costs or saves time.
 */
import type { ClientRequest } from 'node:http';
import { setImmediate } from 'node:timers/promises';

const pending = new Set<ClientRequest>();
let watching = false;

/** 'finish' (all of it handed to the socket) or 'close' (which follows any failure): no error listener is added. */
function whenSettled(request: ClientRequest, then: () => void): void {
  let called = false;
  const once = (): void => {
    if (called) return;
    called = true;
    then();
  };
  request.once('finish', once);
  request.once('close', once);
}

function track(message: unknown): void {
  const request = (message as { request?: ClientRequest } | undefined)?.request;
  if (!request || typeof request.once !== 'function') return;
  pending.add(request);
  whenSettled(request, () => pending.delete(request));
}

/** Starts noting HTTP requests (once per process). */
export function watchRequests(): void {
  if (watching) return;
  watching = true;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    (require('node:diagnostics_channel') as typeof import('node:diagnostics_channel')).subscribe('http.client.request.start', track);
  } catch {
    // No such channel on this Node: nothing is tracked.
  }
}

/**
 * Resolves when every request started before the call has been written out or has ended, or after `capMs`. Node
 * announces a request once it has a socket, a tick after it is made, so this first lets that tick pass.
 */
export async function requestsWritten(capMs = 100): Promise<void> {
  await setImmediate();
  const waiting = [...pending];
  if (waiting.length === 0) return;
  await new Promise<void>((resolve) => {
    let left = waiting.length;
    // Not unref'd: a request may be on a socket that does not keep the process alive (prefetch.ts), and this wait must.
    const timer = setTimeout(resolve, capMs);
    for (const r of waiting) {
      whenSettled(r, () => {
        if (--left > 0) return;
        clearTimeout(timer);
        resolve();
      });
    }
  });
}
