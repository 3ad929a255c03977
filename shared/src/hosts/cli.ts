import { appendFile } from 'node:fs/promises';
import { fetchGitHubIdToken } from '../auth/github-id-token';
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
  /** Append the Markdown summary to this file instead of the log (AML_SUMMARY_FILE), for CI systems that show one. */
  summaryFile?: string;
}

/** `file:line: message`, unless the message already starts from or names that position. */
function located(message: string, location?: SourceLocation): string {
  if (!location) return message;
  const where = formatLocation(location);
  return message.includes(where) ? message : `${where}: ${message}`;
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
    // Inside a GitHub job with id-token permission, the CLI can use the job's OIDC token too. It asks for it
    // itself: @actions/core would print ::debug:: and ::add-mask:: lines on stdout, which carries only JSON here.
    const url = env.ACTIONS_ID_TOKEN_REQUEST_URL;
    const bearer = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
    if (bearer) this.setSecret(bearer);
    this.auth = url && bearer ? { getIdToken: (aud) => fetchGitHubIdToken({ url, bearer, signal: this.signal }, aud) } : {};
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
    this.print('warning: ', located(message, location));
  }
  error(message: string, location?: SourceLocation): void {
    this.print('error: ', located(message, location));
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
    if (this.options.summaryFile) {
      await appendFile(this.options.summaryFile, this.line(markdown).replace(/\n?$/, '\n'));
      return;
    }
    this.write('');
    this.print('', markdown);
  }
  setFailed(message: string, location?: SourceLocation): void {
    this.error(message, location);
    process.exitCode = 1;
  }
}
