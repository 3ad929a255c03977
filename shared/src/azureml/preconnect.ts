/**
 * The ARM connections opened while signing in: the first ARM requests of a step otherwise wait for a TCP and TLS
 * handshake with the ARM endpoint (one or two round trips) after the token arrives. `preconnectArm` opens them as
 * soon as the inputs are valid (one, or as many as the step's first reads that go out together); the SDK pipeline
 * sends its requests on this agent (see sdk-client.ts), whose first connections to that origin are the ones open.
 *
 * Only connections are opened, never a request: nothing reaches ARM before the step has a token. The socket is
 * verified as any would be (Node's default CAs and NODE_EXTRA_CA_CERTS, the host name). Until a request takes it,
 * it never keeps the process alive; if it fails or closes first, the request opens its own as usual (and reports
 * its own error). Not done behind a proxy: the proxy's agent opens connections there.
 */
import { Agent } from 'node:https';
import { isIP, type Socket } from 'node:net';
import { connect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { behindProxy } from '../core/network-error';

/** The options that change how a connection is verified or presented: a spare opened without them does not fit. */
const TLS_OPTION_KEYS = ['ca', 'cert', 'key', 'pfx', 'passphrase', 'rejectUnauthorized', 'checkServerIdentity', 'secureContext', 'minVersion', 'maxVersion', 'ciphers'];

interface Spare {
  host: string;
  port: number;
  socket: TLSSocket;
  onError?: () => void;
}

/** A keep-alive HTTPS agent whose first connections to one origin may already be open (`preconnect`). */
export class PreconnectedAgent extends Agent {
  private spares: Spare[] = [];

  constructor() {
    super({ keepAlive: true });
  }

  /** Open `count` verified TLS connections to `origin` (https://host[:port]) for the first requests there. */
  preconnect(origin: string, count = 1): void {
    const u = new URL(origin);
    if (u.protocol !== 'https:') return;
    const host = u.hostname.replace(/^\[|\]$/g, '');
    const port = Number(u.port || 443);
    for (let n = 0; n < count; n++) {
      const socket = connect({ host, port, servername: isIP(host) ? undefined : host, ALPNProtocols: ['http/1.1'] });
      socket.unref();
      const spare: Spare = { host, port, socket };
      const drop = (): void => {
        this.spares = this.spares.filter((s) => s !== spare);
      };
      spare.onError = () => {
        drop();
        socket.destroy();
      };
      socket.once('error', spare.onError);
      socket.once('close', drop);
      this.spares.push(spare);
    }
  }

/** Node's https.Agent hook: the spare when this request is for its origin with no TLS options of its own. */
  override createConnection(options: ConnectionOptions & { host?: string; port?: number | string }, callback?: (err: Error | null, socket: Socket) => void): Socket {
    const host = (options.host ?? 'localhost').replace(/^\[|\]$/g, '');
    const plain = !TLS_OPTION_KEYS.some((k) => (options as Record<string, unknown>)[k] !== undefined);
    const spare = plain ? this.spares.find((s) => !s.socket.destroyed && s.host === host && s.port === Number(options.port ?? 443)) : undefined;
    if (spare) {
      this.spares = this.spares.filter((s) => s !== spare);
      // From here on its errors are the request's (the agent and the request listen).
      if (spare.onError) spare.socket.removeListener('error', spare.onError);
      spare.socket.ref();
      return spare.socket;
    }
    const base = Agent.prototype as unknown as { createConnection(o: unknown, cb?: unknown): Socket };
    return base.createConnection.call(this, options, callback);
  }

  /** How many opened connections are waiting for a request (for the tests). */
  get spareCount(): number {
    return this.spares.filter((s) => !s.socket.destroyed).length;
  }
}

/**
 * The agent for the SDK pipeline with `connections` connections to `armEndpoint` already opening (the step's first
 * reads that go out together), or undefined behind a proxy.
 */
export function preconnectArm(armEndpoint: string, env: NodeJS.ProcessEnv = process.env, connections = 1): PreconnectedAgent | undefined {
  if (behindProxy(env) || !armEndpoint.startsWith('https://')) return undefined;
  const agent = new PreconnectedAgent();
  try {
    agent.preconnect(armEndpoint, connections);
  } catch {
    // An endpoint that is not a URL is reported by the first request.
  }
  return agent;
}
