/**
 * Task versions follow the content a task ships: a changed bundle raises every task's patch (agents cache tasks by
 * version) and the extension's; an unchanged one keeps them; a major or minor raised in a step definition wins.
 */
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nextVersion, RECORD_PATH, updateRecord } from '../../../shared/build/task-versions';

function root(bundle: string): string {
  const r = mkdtempSync(join(tmpdir(), 'task-versions-'));
  mkdirSync(join(r, 'shared', 'dist', 'azure-devops'), { recursive: true });
  mkdirSync(join(r, 'tasks'), { recursive: true });
  writeFileSync(join(r, 'shared', 'dist', 'azure-devops', 'index.js'), bundle);
  return r;
}

test('a changed bundle raises the patch of every task and of the extension; an unchanged one changes nothing', () => {
  const r = root('one');
  const first = updateRecord(r, '0.1.0');
  expect(Object.values(first.record.tasks).map((t) => t.version)).toEqual(Array(7).fill('1.0.0'));
  expect(first.record.extension.version).toBe('0.1.0');
  writeFileSync(join(r, RECORD_PATH), JSON.stringify(first.record));
  const same = updateRecord(r, '0.1.0');
  expect(same.changed).toEqual([]);
  expect(same.record).toEqual(first.record);
  writeFileSync(join(r, 'shared', 'dist', 'azure-devops', 'index.js'), 'two');
  const next = updateRecord(r, '0.1.0');
  expect(Object.values(next.record.tasks).map((t) => t.version)).toEqual(Array(7).fill('1.0.1'));
  expect(next.changed).toContain('DeployOnline 1.0.0 → 1.0.1');
  expect(next.record.extension.version).toBe('0.1.1');
  // A new chunk is a change too.
  writeFileSync(join(r, RECORD_PATH), JSON.stringify(next.record));
  cpSync(join(r, 'shared', 'dist', 'azure-devops', 'index.js'), join(r, 'shared', 'dist', 'azure-devops', '12.index.js'));
  expect(updateRecord(r, '0.1.0').record.tasks.RegisterModel!.version).toBe('1.0.2');
});

test('the definition’s major or minor wins over the record', () => {
  expect(nextVersion('1.0.7', false, { major: 1, minor: 0, patch: 0 })).toBe('1.0.7');
  expect(nextVersion('1.0.7', true, { major: 1, minor: 0, patch: 0 })).toBe('1.0.8');
  expect(nextVersion('1.0.7', true, { major: 1, minor: 1, patch: 0 })).toBe('1.1.0');
  expect(nextVersion('1.2.3', false, { major: 2, minor: 0, patch: 0 })).toBe('2.0.0');
  expect(nextVersion(undefined, false, { major: 1, minor: 0, patch: 0 })).toBe('1.0.0');
});
