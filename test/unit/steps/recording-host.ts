import type { SourceLocation } from '../../../shared/src/core/errors';
import { BaseHost } from '../../../shared/src/hosts/base';
import type { HostAuthContext, HostKind, RunContext } from '../../../shared/src/hosts/host';
import type { InputDefinition } from '../../../shared/src/steps/definition';

export interface Recorded {
  level: 'info' | 'debug' | 'warning' | 'error' | 'progress' | 'group' | 'failed' | 'summary';
  message: string;
  location?: SourceLocation;
}

/**
 * A host of any kind whose own input lookup is a map and which records what it is told (after BaseHost's env
 * fallbacks and masking), for testing code that runs on a host rather than the host itself.
 */
export class RecordingHost extends BaseHost {
  readonly auth: HostAuthContext = {};
  readonly run: RunContext;
  readonly records: Recorded[] = [];
  readonly outputs: Record<string, string> = {};
  readonly reads: string[] = [];

  constructor(
    readonly kind: HostKind,
    private readonly values: Record<string, string> = {},
  ) {
    super();
    this.run = { system: kind };
  }

  protected readInput(input: InputDefinition): string | undefined {
    this.reads.push(input.name);
    return this.values[input.name];
  }
  protected registerSecret(): void {}

  private rec(level: Recorded['level'], message: string, location?: SourceLocation): void {
    this.records.push(location ? { level, message: this.m(message), location } : { level, message: this.m(message) });
  }
  of(level: Recorded['level']): Recorded[] {
    return this.records.filter((r) => r.level === level);
  }

  info(message: string): void {
    this.rec('info', message);
  }
  debug(message: string): void {
    this.rec('debug', message);
  }
  warning(message: string, location?: SourceLocation): void {
    this.rec('warning', message, location);
  }
  error(message: string, location?: SourceLocation): void {
    this.rec('error', message, location);
  }
  progress(message: string): void {
    this.rec('progress', message);
  }
  async group<T>(title: string, fn: () => Promise<T>): Promise<T> {
    this.rec('group', title);
    return fn();
  }
  setOutput(name: string, value: string): void {
    this.outputs[name] = this.m(value);
  }
  async summary(markdown: string): Promise<void> {
    this.rec('summary', markdown);
  }
  setFailed(message: string, location?: SourceLocation): void {
    this.rec('failed', message, location);
  }
}
