import * as core from '@actions/core';
import type { SourceLocation } from '../core/errors';
import { formatLocation } from '../core/errors';
import type { InputDefinition } from '../steps/definition';
import { BaseHost } from './base';
import type { HostAuthContext, RunContext } from './host';

export interface CliHostOptions {
  /** Flag values by input name (kebab-case), as parsed from the command line. */
  flags: Record<string, string>;
  /** Print debug lines. */
  verbose?: boolean;
  /** Write logs here (default: stderr, so stdout carries only the JSON outputs). */
  write?: (line: string) => void;
}

/**
 * A terminal or any other CI system: inputs from flags (then AML_* environment variables), logs and the summary on
 * stderr, outputs as one JSON object on stdout at the end.
 */
export class CliHost extends BaseHost {
  readonly kind = 'cli' as const;
  readonly auth: HostAuthContext;
  readonly run: RunContext;
  readonly outputs: Record<string, string> = {};
  private readonly write: (line: string) => void;
  private depth = 0;

  constructor(private readonly options: CliHostOptions, env: NodeJS.ProcessEnv = process.env) {
    super();
    this.write = options.write ?? ((line) => process.stderr.write(line + '\n'));
    // Inside a GitHub job with id-token permission, the CLI can use the job's OIDC token too.
    this.auth = env.ACTIONS_ID_TOKEN_REQUEST_URL ? { getIdToken: (aud) => core.getIDToken(aud) } : {};
    this.run = { system: 'cli', commit: env.GIT_COMMIT, runUrl: env.AML_RUN_URL };
  }

  protected readInput(input: InputDefinition): string | undefined {
    return this.options.flags[input.name];
  }

  protected registerSecret(): void {
    // Nothing to tell: the CLI masks its own output.
  }

  private print(prefix: string, message: string): void {
    const indent = '  '.repeat(this.depth);
    for (const l of this.line(message).split('\n')) this.write(`${indent}${prefix}${l}`);
  }

  info(message: string): void {
    this.print('', message);
  }
  debug(message: string): void {
    if (this.options.verbose) this.print('debug: ', message);
  }
  warning(message: string, location?: SourceLocation): void {
    this.print('warning: ', location ? `${formatLocation(location)}: ${message}` : message);
  }
  error(message: string, location?: SourceLocation): void {
    this.print('error: ', location ? `${formatLocation(location)}: ${message}` : message);
  }
  progress(message: string): void {
    this.print('… ', message);
  }
  async group<T>(title: string, fn: () => Promise<T>): Promise<T> {
    this.print('▸ ', title);
    this.depth++;
    try {
      return await fn();
    } finally {
      this.depth--;
    }
  }
  setOutput(name: string, value: string): void {
    this.outputs[name] = this.m(value);
  }
  async summary(markdown: string): Promise<void> {
    this.write('');
    this.print('', markdown);
  }
  setFailed(message: string, location?: SourceLocation): void {
    this.error(message, location);
    process.exitCode = 1;
  }
}
