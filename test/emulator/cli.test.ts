import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { portOpen } from '../../shared/emulator/src/ports';
import { join } from 'node:path';
import { tempStateDir } from './harness';

const ROOT = join(__dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

test('`emulator` writes env.sh / env.json, prints no credentials, and stops Azurite on SIGTERM', async () => {
  const stateDir = tempStateDir();
  const child = spawn(TSX, [join(__dirname, 'fixtures', 'cli-child.ts'), '--state-dir', stateDir, '--lro-seconds', '0.5'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.resume();
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    for (let i = 0; i < 300 && !out.includes('Ctrl+C'); i++) await new Promise((r) => setTimeout(r, 100));
    expect(out).toContain('Ctrl+C');
    const env = JSON.parse(readFileSync(join(stateDir, 'env.json'), 'utf8')) as Record<string, string>;
    expect(env).toMatchObject({ AML_CLOUD: 'Custom', AML_WORKSPACE: 'mlw-demo', AML_RESOURCE_GROUP: 'rg-demo', AML_ML_AUDIENCE: 'https://ml.azure.com' });
    expect(env.AML_ARM_ENDPOINT).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(env.AML_AUTHORITY_HOST).toBe(`${env.AML_ARM_ENDPOINT}/entra`);
    expect(existsSync(env.NODE_EXTRA_CA_CERTS)).toBe(true);
    expect(out).toContain(env.AML_ARM_ENDPOINT);
    expect(out).not.toContain(env.ACTIONS_ID_TOKEN_REQUEST_TOKEN);
    expect(out).not.toContain(env.SYSTEM_ACCESSTOKEN);
    expect(out).toContain(env.ACTIONS_ID_TOKEN_REQUEST_URL);
    expect(statSync(join(stateDir, 'env.sh')).mode & 0o077).toBe(0);
    expect(readFileSync(join(stateDir, 'env.sh'), 'utf8')).toContain(`export AML_EMULATOR_URL='${env.AML_EMULATOR_URL}'`);
    const arm = JSON.parse(readFileSync(join(stateDir, 'arm.json'), 'utf8'));
    expect(arm.settings.lroDurationMs).toBe(500);
    const azuritePort: number = arm.azurite.port;
    expect(await portOpen(azuritePort)).toBe(true);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(await portOpen(azuritePort)).toBe(false);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}, 60_000);
