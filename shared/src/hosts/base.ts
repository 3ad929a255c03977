import type { SourceLocation } from '../core/errors';
import type { InputDefinition } from '../steps/definition';
import type { Host, HostAuthContext, HostKind, RunContext } from './host';
import { inputFromEnv } from './inputs';
import { SecretMask } from './masking';

/** What every host shares: secret masking, env fallbacks for inputs, and the cancellation signal. */
export abstract class BaseHost implements Host {
  abstract readonly kind: HostKind;
  abstract readonly auth: HostAuthContext;
  abstract readonly run: RunContext;
  protected readonly mask = new SecretMask();
  private readonly abort = new AbortController();

  constructor() {
    const onSignal = (sig: NodeJS.Signals) => {
      if (!this.abort.signal.aborted) {
        this.warning(`Received ${sig}: stopping (waiting operations are abandoned, nothing new is started).`);
        this.abort.abort(new Error(`cancelled by ${sig}`));
      }
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
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
    this.registerSecret(value);
  }

  /** Tell the CI system to mask the value too. */
  protected abstract registerSecret(value: string): void;

  protected m(text: string): string {
    return this.mask.apply(text);
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
