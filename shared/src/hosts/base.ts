import type { SourceLocation } from '../core/errors';
import type { InputDefinition } from '../steps/definition';
import type { Host, HostAuthContext, HostKind, RunContext } from './host';
import { inputFromEnv } from './inputs';
import { SecretMask } from './masking';
import { neutraliseCommands } from '../core/escape';

/** What every host shares: secret masking, env fallbacks for inputs, and the cancellation signal. */
export abstract class BaseHost implements Host {
  abstract readonly kind: HostKind;
  abstract readonly auth: HostAuthContext;
  abstract readonly run: RunContext;
  protected readonly mask = new SecretMask();
  private readonly abort = new AbortController();

  /**
   * One listener per signal serves every host still alive: a per-host listener was never removed, so each host ever
   * created stayed reachable and swallowed signals (MaxListenersExceededWarning past ten). The first signal cancels;
   * the listeners are then removed, so a second one terminates the process as usual.
   */
  private static readonly live = new Set<WeakRef<BaseHost>>();
  private static readonly onSignal = (sig: NodeJS.Signals): void => {
    for (const s of ['SIGINT', 'SIGTERM'] as const) process.removeListener(s, BaseHost.onSignal);
    const hosts = [...BaseHost.live].map((r) => r.deref());
    BaseHost.live.clear();
    for (const host of hosts) {
      if (!host || host.abort.signal.aborted) continue;
      host.warning(`Received ${sig}: stopping (waiting operations are abandoned, nothing new is started).`);
      host.abort.abort(new Error(`cancelled by ${sig}`));
    }
  };

  constructor() {
    for (const r of BaseHost.live) if (!r.deref()) BaseHost.live.delete(r);
    BaseHost.live.add(new WeakRef(this));
    for (const s of ['SIGINT', 'SIGTERM'] as const) {
      if (!process.listeners(s).includes(BaseHost.onSignal)) process.on(s, BaseHost.onSignal);
    }
  }

  get signal(): AbortSignal {
    return this.abort.signal;
  }

  /** The host's own input lookup (no env fallback, no masking). */
  protected abstract readInput(input: InputDefinition): string | undefined;

  getInput(input: InputDefinition): string | undefined {
    let v = this.readInput(input);
    if (v === undefined || v.trim() === '') v = inputFromEnv(input);
    if (v === undefined || v.trim() === '') return undefined;
    if (input.secret) this.setSecret(v);
    return input.type === 'multiline' ? v : v.trim();
  }

  setSecret(value: string): void {
    if (!value) return;
    this.mask.add(value);
    const v = value.trim();
    if (!/[\r\n]/.test(v)) {
      if (v) this.registerSecret(v);
      return;
    }
    // Runners mask line by line and Azure Pipelines rejects multi-line secrets (task-lib throws): register each line.
    for (const line of v.split(/\r?\n/)) if (line.trim().length >= 8) this.registerSecret(line.trim());
  }

  /** Tell the CI system to mask the value too. */
  protected abstract registerSecret(value: string): void;

  /** Secrets masked: for values written where no log command is parsed (outputs, summary files). */
  protected m(text: string): string {
    return this.mask.apply(text);
  }

  /** Secrets masked and no line a workflow or logging command: for everything written to the log. */
  protected line(text: string): string {
    return neutraliseCommands(this.mask.apply(text));
  }

  abstract info(message: string): void;
  abstract debug(message: string): void;
  abstract warning(message: string, location?: SourceLocation): void;
  abstract error(message: string, location?: SourceLocation): void;
  abstract progress(message: string): void;
  abstract group<T>(title: string, fn: () => Promise<T>): Promise<T>;
  abstract setOutput(name: string, value: string): void;
  abstract summary(markdown: string): Promise<void>;
  abstract setFailed(message: string, location?: SourceLocation): void;
}
