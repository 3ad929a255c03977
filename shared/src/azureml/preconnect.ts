/**
 * The ARM connection opened while signing in: the first ARM request of a step otherwise waits for a TCP and TLS
 * handshake with the ARM endpoint (one or two round trips) after the token arrives. `preconnectArm` opens that
 * connection as soon as the inputs are valid; the SDK pipeline sends its requests on this agent (see
 * sdk-client.ts), whose first connection to that origin is the one already open.
 *
 * Only a connection is opened, never a request: nothing reaches ARM before the step has a token. The socket is
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

/** A keep-alive HTTPS agent whose first connection to one origin may already be open (`preconnect`). */
export class PreconnectedAgent extends Agent {
  private spare?: Spare;

  constructor() {
    super({ keepAlive: true });
  }

  /** Open a verified TLS connection to `origin` (https://host[:port]) for the first request there. */
  preconnect(origin: string): void {
    const u = new URL(origin);
    if (u.protocol !== 'https:' || this.spare) return;
    const host = u.hostname.replace(/^\[|\]$/g, '');
    const port = Number(u.port || 443);
    const socket = connect({ host, port, servername: isIP(host) ? undefined : host, ALPNProtocols: ['http/1.1'] });
    socket.unref();
    const spare: Spare = { host, port, socket };
    const drop = (): void => {
      if (this.spare === spare) this.spare = undefined;
    };
    spare.onError = () => {
      drop();
      socket.destroy();
    };
    socket.once('error', spare.onError);
    socket.once('close', drop);
    this.spare = spare;
  }

  /** Node's https.Agent hook: the spare when this request is for its origin with no TLS options of its own. */
  override createConnection(options: ConnectionOptions & { host?: string; port?: number | string }, callback?: (err: Error | null, socket: Socket) => void): Socket {
    const spare = this.spare;
    const host = (options.host ?? 'localhost').replace(/^\[|\]$/g, '');
    if (spare && !spare.socket.destroyed && host === spare.host && Number(options.port ?? 443) === spare.port && !TLS_OPTION_KEYS.some((k) => (options as Record<string, unknown>)[k] !== undefined)) {
      this.spare = undefined;
      // From here on its errors are the request's (the agent and the request listen).
      if (spare.onError) spare.socket.removeListener('error', spare.onError);
      spare.socket.ref();
      return spare.socket;
    }
    const base = Agent.prototype as unknown as { createConnection(o: unknown, cb?: unknown): Socket };
    return base.createConnection.call(this, options, callback);
  }

  /** Whether a connection is waiting (for the tests). */
  get hasSpare(): boolean {
    return this.spare !== undefined && !this.spare.socket.destroyed;
  }
}

/** The agent for the SDK pipeline with a connection to `armEndpoint` already opening, or undefined behind a proxy. */
export function preconnectArm(armEndpoint: string, env: NodeJS.ProcessEnv = process.env): PreconnectedAgent | undefined {
  if (behindProxy(env) || !armEndpoint.startsWith('https://')) return undefined;
  const agent = new PreconnectedAgent();
  try {
    agent.preconnect(armEndpoint);
  } catch {
    // An endpoint that is not a URL is reported by the first request.
  }
  return agent;
}
