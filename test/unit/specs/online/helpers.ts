import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { StepError } from '../../../../shared/src/core/errors';

export const fixtures = resolve(__dirname, '..', '..', '..', 'fixtures', 'online', 'sample');

export function caught(fn: () => unknown): StepError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(StepError);
    expect((e as StepError).kind).toBe('input');
    return e as StepError;
  }
  throw new Error('expected an error');
}

/** Every separate problem of a (possibly aggregated) input error. */
export function problems(e: StepError): StepError[] {
  return e.cause instanceof AggregateError ? (e.cause.errors as StepError[]) : [e];
}

/** A temp folder holding `name` with `yaml` and the given extra files; returns the YAML path. */
export function scratch(yaml: string, files: Record<string, string> = {}, name = 'spec.yml'): string {
  const dir = mkdtempSync(join(tmpdir(), 'online-spec-'));
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), content);
  }
  mkdirSync(join(dir, name, '..'), { recursive: true });
  writeFileSync(join(dir, name), yaml);
  return join(dir, name);
}
