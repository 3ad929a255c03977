/**
 * The blob service URL of a storage account from a datastore's `accountName`, `endpoint` and `protocol`.
 * Real clouds use a DNS suffix (`core.windows.net` → `https://<account>.blob.core.windows.net`); emulators and
 * Azure Stack are addressed by IP or `localhost`, where the storage SDKs expect the account in the path
 * (`https://127.0.0.1:10000/<account>`).
 */
import { isIP } from 'node:net';

export interface BlobServiceUrlOptions {
  accountName: string;
  /** DNS suffix (`core.windows.net`), or host[:port] of an emulator. A scheme in front is tolerated. */
  endpoint: string;
  /** default https */
  protocol?: string;
}

function hostOf(hostPort: string): string {
  if (hostPort.startsWith('[')) return hostPort.slice(1, hostPort.indexOf(']'));
  // A bare IPv6 address has several colons and no port.
  if ((hostPort.match(/:/g) ?? []).length > 1) return hostPort;
  return hostPort.split(':')[0]!;
}

export function isPathStyleHost(hostPort: string): boolean {
  const host = hostOf(hostPort);
  return host.toLowerCase() === 'localhost' || isIP(host) !== 0;
}

export function blobServiceUrl(opts: BlobServiceUrlOptions): string {
  let endpoint = opts.endpoint.trim().replace(/\/+$/, '');
  let protocol = (opts.protocol ?? 'https').replace(/:?\/*$/, '').toLowerCase();
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(endpoint);
  if (scheme) {
    protocol = opts.protocol ? protocol : scheme[1]!.toLowerCase();
    endpoint = endpoint.slice(scheme[0].length);
  }
  if (isPathStyleHost(endpoint)) {
    const host = (endpoint.match(/:/g) ?? []).length > 1 && !endpoint.startsWith('[') ? `[${endpoint}]` : endpoint;
    return `${protocol}://${host}/${opts.accountName}`;
  }
  return `${protocol}://${opts.accountName}.blob.${endpoint}`;
}
