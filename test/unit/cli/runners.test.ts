import * as core from '@actions/core';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { baseEnv, parseGitHubOutputFile, parseVsoCommands } from '../../../shared/cli/runners';

describe('parseGitHubOutputFile', () => {
  test('reads back what @actions/core writes, including multi-line values and values with = and <<', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'gh-output-')), 'output');
    writeFileSync(file, '');
    const saved = process.env.GITHUB_OUTPUT;
    process.env.GITHUB_OUTPUT = file;
    const values: Record<string, string> = {
      'model-name': 'churn',
      summary: 'line 1\nline 2\n\nline 4 after a blank',
      query: 'a=b&c<<d',
      empty: '',
      'trailing-newline': 'x\n',
    };
    try {
      for (const [k, v] of Object.entries(values)) core.setOutput(k, v);
    } finally {
      if (saved === undefined) delete process.env.GITHUB_OUTPUT;
      else process.env.GITHUB_OUTPUT = saved;
    }
    expect(readFileSync(file, 'utf8')).toContain('summary<<ghadelimiter_');
    expect(parseGitHubOutputFile(readFileSync(file, 'utf8'))).toEqual(values);
  });

  test('name=value lines and heredoc blocks with any delimiter', () => {
    const text = ['simple=value', 'with-equals=a=b', 'block<<EOF', 'one', 'two=2', 'EOF', 'after=yes', ''].join('\n');
    expect(parseGitHubOutputFile(text)).toEqual({ simple: 'value', 'with-equals': 'a=b', block: 'one\ntwo=2', after: 'yes' });
  });

  test('an empty file has no outputs', () => {
    expect(parseGitHubOutputFile('')).toEqual({});
  });
});

describe('parseVsoCommands', () => {
  test('splits area, properties and message; ignores other lines', () => {
    const out = [
      'plain log line',
      '##[group]not a command',
      '##vso[task.setvariable variable=modelName;isOutput=true;issecret=false;]churn',
      '##vso[task.complete result=Failed;]It failed',
      '##vso[task.uploadsummary]/tmp/summary.md',
      '  ##vso[task.debug]indented lines are not commands',
    ].join('\n');
    expect(parseVsoCommands(out)).toEqual([
      { area: 'task.setvariable', properties: { variable: 'modelName', isOutput: 'true', issecret: 'false' }, message: 'churn' },
      { area: 'task.complete', properties: { result: 'Failed' }, message: 'It failed' },
      { area: 'task.uploadsummary', properties: {}, message: '/tmp/summary.md' },
    ]);
  });

  test('unescapes %0D, %0A, %3B, %5D and %AZP25 (task-lib) or %25 (older writers) in properties and messages', () => {
    const [cmd] = parseVsoCommands('##vso[task.logissue type=error;sourcepath=a%3Bb%5Dc%0Ad%AZP25e%25f;]100%AZP25 line1%0D%0Aline2 %25');
    expect(cmd.properties).toEqual({ type: 'error', sourcepath: 'a;b]c\nd%e%f' });
    expect(cmd.message).toBe('100% line1\r\nline2 %');
  });

  test('an escaped % is decoded once: %AZP250A is the text %0A, not a newline', () => {
    const [cmd] = parseVsoCommands('##vso[task.debug]%AZP250A %AZP25AZP25 %250A %AZP253B');
    expect(cmd.message).toBe('%0A %AZP25 %0A %3B');
  });

  test('CRLF output', () => {
    expect(parseVsoCommands('##vso[task.debug]a\r\n##vso[task.debug]b\r\n').map((c) => c.message)).toEqual(['a', 'b']);
  });
});

describe('baseEnv', () => {
  test('starts from PATH, HOME and the CA bundle only, plus the given variables (undefined ones dropped)', () => {
    const env = baseEnv({ A: '1', B: undefined });
    expect(Object.keys(env).sort()).toEqual(['A', 'HOME', 'NODE_EXTRA_CA_CERTS', 'PATH'].sort());
    expect(env.A).toBe('1');
    expect(env.PATH).toBe(process.env.PATH);
  });
});
