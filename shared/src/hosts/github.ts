import { printable } from '../core/escape';
import * as core from '@actions/core';
import type { SourceLocation } from '../core/errors';
import type { InputDefinition, StepDefinition } from '../steps/definition';
import { runStep } from '../steps/runner';
import { BaseHost } from './base';
import type { HostAuthContext, RunContext } from './host';

function annotation(location?: SourceLocation): core.AnnotationProperties | undefined {
  if (!location) return undefined;
  return { file: printable(location.file), startLine: location.line, startColumn: location.column };
}

/** GitHub Actions: inputs from INPUT_*, outputs to GITHUB_OUTPUT, summary to GITHUB_STEP_SUMMARY, OIDC ID tokens. */
export class GitHubHost extends BaseHost {
  readonly kind = 'github' as const;
  readonly auth: HostAuthContext;
  readonly run: RunContext;

  constructor(env: NodeJS.ProcessEnv = process.env) {
    super();
    this.auth = env.ACTIONS_ID_TOKEN_REQUEST_URL
      ? { getIdToken: (audience) => core.getIDToken(audience) }
      : {};
    const server = env.GITHUB_SERVER_URL ?? 'https://github.com';
    this.run = {
      system: 'github',
      repository: env.GITHUB_REPOSITORY,
      commit: env.GITHUB_SHA,
      ref: env.GITHUB_REF,
      actor: env.GITHUB_ACTOR,
      runUrl:
        env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID
          ? `${server}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}${env.GITHUB_RUN_ATTEMPT ? `/attempts/${env.GITHUB_RUN_ATTEMPT}` : ''}`
          : undefined,
    };
  }

  protected readInput(input: InputDefinition): string | undefined {
    return core.getInput(input.name, { trimWhitespace: input.type !== 'multiline' });
  }

  protected registerSecret(value: string): void {
    core.setSecret(value);
  }

  info(message: string): void {
    core.info(this.line(message));
  }
  debug(message: string): void {
    core.debug(this.line(message));
  }
  warning(message: string, location?: SourceLocation): void {
    core.warning(this.line(message), annotation(location));
  }
  error(message: string, location?: SourceLocation): void {
    core.error(this.line(message), annotation(location));
  }
  progress(message: string): void {
    core.info(this.line(message));
  }
  group<T>(title: string, fn: () => Promise<T>): Promise<T> {
    return core.group(this.line(title), fn);
  }
  setOutput(name: string, value: string): void {
    core.setOutput(name, this.m(value));
  }
  async summary(markdown: string): Promise<void> {
    if (!process.env.GITHUB_STEP_SUMMARY) {
      core.info(this.line(markdown));
      return;
    }
    await core.summary.addRaw(this.m(markdown), true).write();
  }
  setFailed(message: string, location?: SourceLocation): void {
    process.exitCode = 1;
    core.error(this.line(message), annotation(location));
  }
}

/** Entry point of a GitHub action bundle: run the step under this host and leave the exit code to the runner. */
export function runGitHubAction(step: StepDefinition): Promise<boolean> {
  return runStep(step, new GitHubHost());
}
