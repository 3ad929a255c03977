/**
 * `npm run package:vsix`: the Azure DevOps extension, built offline with tfx-cli. Every task folder is put together
 * as the agent unpacks it (task.json, the Azure DevOps bundle, the entry: cli/task-package.ts), beside the extension
 * manifest, its overview and its icon (drawn here: a PNG written from code, so no binary is committed). The .vsix
 * goes to dist/ (or the folder given as the first argument) and its path is printed.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { deflateSync } from 'node:zlib';
import { steps } from '../src/steps';
import { packageTask } from '../cli/task-package';

const ROOT = resolve(__dirname, '..', '..');

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A 128×128 icon: a blue tile with a lighter rising line (a model getting better), as an RGB PNG. */
export function iconPng(size = 128): Buffer {
  const rows: Buffer[] = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 3);
    for (let x = 0; x < size; x++) {
      const onLine = Math.abs(size - 1 - y - (x * 0.6 + size * 0.2)) < 5 && x > size * 0.12 && x < size * 0.88;
      const [r, g, b] = onLine ? [180, 225, 255] : [0, 90, 158];
      row.writeUInt8(r, 1 + x * 3);
      row.writeUInt8(g, 2 + x * 3);
      row.writeUInt8(b, 3 + x * 3);
    }
    rows.push(row);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.writeUInt8(8, 8); // bit depth
  ihdr.writeUInt8(2, 9); // RGB
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
}

export function buildVsix(outDir = join(ROOT, 'dist')): string {
  const stage = mkdtempSync(join(tmpdir(), 'vsix-'));
  for (const step of steps) packageTask(ROOT, step, stage);
  copyFileSync(join(ROOT, 'tasks', 'vss-extension.json'), join(stage, 'vss-extension.json'));
  copyFileSync(join(ROOT, 'tasks', 'overview.md'), join(stage, 'overview.md'));
  mkdirSync(join(stage, 'images'), { recursive: true });
  writeFileSync(join(stage, 'images', 'icon.png'), iconPng());
  mkdirSync(outDir, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(stage, 'vss-extension.json'), 'utf8')) as { publisher: string; id: string; version: string };
  const out = join(outDir, `${manifest.publisher}.${manifest.id}-${manifest.version}.vsix`);
  const tfx = join(ROOT, 'node_modules', 'tfx-cli', '_build', 'tfx-cli.js');
  const r = spawnSync(process.execPath, [tfx, 'extension', 'create', '--root', stage, '--manifest-globs', 'vss-extension.json', '--output-path', out, '--no-prompt', '--no-color'], { encoding: 'utf8', env: { ...process.env, TFX_TRACE: '' } });
  if (r.status !== 0) throw new Error(`tfx extension create failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  if (!readdirSync(outDir).includes(out.slice(outDir.length + 1))) throw new Error(`tfx did not write ${out}:\n${r.stdout}`);
  return out;
}

if (require.main === module) {
  const out = buildVsix(process.argv[2] ? resolve(process.argv[2]) : undefined);
  console.log(out);
}
