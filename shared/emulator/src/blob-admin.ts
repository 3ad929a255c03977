/**
 * Blob calls to Azurite from the emulator process: creating containers (hand-signed Shared Key), and listing,
 * reading and writing blobs (with a SAS) for copies into registries. Plain node:https with the emulator's CA, so
 * it works whether or not this process trusts the CA globally (NODE_EXTRA_CA_CERTS is read only when Node starts).
 */
import { createHmac } from 'node:crypto';
import { request } from 'node:https';
import { containerSas } from './blob-sas';
import type { StorageAccount } from './state/model';

type StorageAccountKey = Pick<StorageAccount, 'name' | 'key'>;

const VERSION = '2021-12-02';

class BusyError extends Error {}

/**
 * Create `container` in `account` (path-style URL on `hostPort`); an existing container is fine. Azurite answers 503
 * while it is still loading its metadata (a busy machine, a restart on an existing folder): that is retried, as
 * Azure Storage's ServerBusy is, for up to about 10 s.
 */
export async function createContainer(hostPort: string, account: string, accountKey: string, container: string, ca: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await createContainerOnce(hostPort, account, accountKey, container, ca);
    } catch (e) {
      if (!(e instanceof BusyError) || attempt >= 20) throw e;
      await new Promise((r) => setTimeout(r, Math.min(1000, 100 * attempt)));
    }
  }
}

function createContainerOnce(hostPort: string, account: string, accountKey: string, container: string, ca: string): Promise<void> {
  const path = `/${account}/${container}`;
  const date = new Date().toUTCString();
  const canonicalHeaders = `x-ms-date:${date}\nx-ms-version:${VERSION}\n`;
  const canonicalResource = `/${account}${path}\nrestype:container`;
  // VERB, then 11 standard headers (all empty here, Content-Length 0 counts as empty), then the canonical parts.
  const stringToSign = ['PUT', '', '', '', '', '', '', '', '', '', '', ''].join('\n') + '\n' + canonicalHeaders + canonicalResource;
  const signature = createHmac('sha256', Buffer.from(accountKey, 'base64')).update(stringToSign, 'utf8').digest('base64');
  const [host, port] = hostPort.split(':');
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host,
        port: Number(port),
        method: 'PUT',
        path: `${path}?restype=container`,
        ca,
        headers: {
          'x-ms-date': date,
          'x-ms-version': VERSION,
          Authorization: `SharedKey ${account}:${signature}`,
          'Content-Length': '0',
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          if (res.statusCode === 201 || res.statusCode === 409) resolve();
          else reject(new (res.statusCode === 503 ? BusyError : Error)(`creating container ${container} in ${account} failed: ${res.statusCode} ${Buffer.concat(chunks).toString()}`));
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Where the emulator's blob service is, and the CA its certificate chains to. */
export interface BlobEndpoint {
  hostPort: string;
  ca: string;
}

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** Short-lived SAS for the emulator's own blob calls. */
const OWN_SAS_MS = 15 * 60 * 1000;

function encodeName(name: string): string {
  return name.split('/').map(encodeURIComponent).join('/');
}

function send(ep: BlobEndpoint, method: string, path: string, headers: Record<string, string> = {}, body?: Buffer): Promise<RawResponse> {
  const [host, port] = ep.hostPort.split(':');
  return new Promise((resolve, reject) => {
    const req = request({ host, port: Number(port), method, path, ca: ep.ca, headers: { 'x-ms-version': VERSION, 'Content-Length': String(body?.length ?? 0), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

function failure(what: string, res: RawResponse): Error {
  const code = /<Code>([^<]*)<\/Code>/.exec(res.body.toString())?.[1];
  return new Error(`${what}: blob storage answered HTTP ${res.status}${code ? ` ${code}` : ''}`);
}

function unescapeXml(s: string): string {
  return s.replace(/&(lt|gt|quot|apos|amp);/g, (_, e: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[e]!);
}

/** Names of the blobs in `container` starting with `prefix`, following continuation markers. */
export async function listBlobNames(ep: BlobEndpoint, account: StorageAccountKey, container: string, prefix: string): Promise<string[]> {
  const sas = containerSas(account, container, 'rl', OWN_SAS_MS);
  const names: string[] = [];
  let marker = '';
  do {
    const q = new URLSearchParams({ restype: 'container', comp: 'list', prefix });
    if (marker) q.set('marker', marker);
    const res = await send(ep, 'GET', `/${account.name}/${container}?${q.toString()}&${sas}`);
    if (res.status !== 200) throw failure(`listing ${account.name}/${container}/${prefix}`, res);
    const xml = res.body.toString('utf8');
    for (const m of xml.matchAll(/<Blob>\s*<Name>([^<]*)<\/Name>/g)) names.push(unescapeXml(m[1]));
    marker = unescapeXml(/<NextMarker>([^<]*)<\/NextMarker>/.exec(xml)?.[1] ?? '');
  } while (marker);
  return names;
}

export interface BlobContent {
  data: Buffer;
  contentType?: string;
  /** x-ms-meta-* values by name. */
  metadata: Record<string, string>;
}

export async function getBlob(ep: BlobEndpoint, account: StorageAccountKey, container: string, name: string): Promise<BlobContent> {
  const sas = containerSas(account, container, 'r', OWN_SAS_MS);
  const res = await send(ep, 'GET', `/${account.name}/${container}/${encodeName(name)}?${sas}`);
  if (res.status !== 200) throw failure(`reading ${account.name}/${container}/${name}`, res);
  const metadata: Record<string, string> = {};
  for (const [h, v] of Object.entries(res.headers)) {
    if (h.startsWith('x-ms-meta-') && typeof v === 'string') metadata[h.slice('x-ms-meta-'.length)] = v;
  }
  const contentType = res.headers['content-type'];
  return { data: res.body, contentType: typeof contentType === 'string' ? contentType : undefined, metadata };
}

export async function putBlob(ep: BlobEndpoint, account: StorageAccountKey, container: string, name: string, content: BlobContent): Promise<void> {
  const sas = containerSas(account, container, 'cw', OWN_SAS_MS);
  const headers: Record<string, string> = { 'x-ms-blob-type': 'BlockBlob' };
  if (content.contentType) headers['Content-Type'] = content.contentType;
  for (const [k, v] of Object.entries(content.metadata)) headers[`x-ms-meta-${k}`] = v;
  const res = await send(ep, 'PUT', `/${account.name}/${container}/${encodeName(name)}?${sas}`, headers, content.data);
  if (res.status !== 201) throw failure(`writing ${account.name}/${container}/${name}`, res);
}
