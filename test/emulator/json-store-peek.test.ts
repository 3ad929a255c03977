import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonStore } from '../../shared/emulator/src/state/json-store';

describe('JsonStore.peek: a cached read that follows other writers', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'store-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('returns the same parse while the file is unchanged and sees a write by another store on the same file', async () => {
    const path = join(dir, 'doc.json');
    const a = new JsonStore<{ n: number }>(path, () => ({ n: 0 }));
    const b = new JsonStore<{ n: number }>(path, () => ({ n: 0 }));
    await b.update((d) => (d.n = 1));
    const first = a.peek();
    expect(first.n).toBe(1);
    expect(a.peek()).toBe(first);
    await b.update((d) => (d.n = 2));
    expect(a.peek().n).toBe(2);
    await b.update((d) => (d.n = 3));
    expect(a.peek().n).toBe(3);
    expect(a.read()).not.toBe(a.peek());
  });
});
