/**
 * Creating blob containers in Azurite from the emulator process. A hand-signed Shared Key request over
 * node:https with the emulator's CA, so it works whether or not this process trusts the CA globally
 * (NODE_EXTRA_CA_CERTS is read only when Node starts).
 */
import { createHmac } from 'node:crypto';
import { request } from 'node:https';

const VERSION = '2021-12-02';

/** Create `container` in `account` (path-style URL on `hostPort`); an existing container is fine. */
export function createContainer(hostPort: string, account: string, accountKey: string, container: string, ca: string): Promise<void> {
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
          else reject(new Error(`creating container ${container} in ${account} failed: ${res.statusCode} ${Buffer.concat(chunks).toString()}`));
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}
