import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Journal } from '../../shared/emulator/src/journal';

describe('journal: append-only with rotation', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'journal-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const entry = (i: number) => ({ method: 'GET', path: `/x/${i}`, query: {}, status: 200 });

  it('keeps sequence numbers growing across rotation and clear, and bounds the file', async () => {
    const j = new Journal(dir, 600);
    for (let i = 0; i < 40; i++) await j.append(entry(i));
    expect(statSync(j.path).size).toBeLessThan(600 + 400);
    const listed = j.list();
    const seqs = listed.map((e) => e.seq);
    expect(seqs[seqs.length - 1]).toBe(40);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(listed.length).toBeLessThan(40);
    expect(j.list(38).map((e) => e.path)).toEqual(['/x/38', '/x/39']);
    await j.clear();
    expect(j.list()).toEqual([]);
    expect((await j.append(entry(99))).seq).toBe(41);
  });

  it('shares the sequence between two writers on the same state folder', async () => {
    const a = new Journal(dir, 1000);
    const b = new Journal(dir, 1000);
    const seqs: number[] = [];
    for (let i = 0; i < 20; i++) seqs.push((await (i % 3 ? a : b).append(entry(i))).seq);
    expect(seqs).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });
});
