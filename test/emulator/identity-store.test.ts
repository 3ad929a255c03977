import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { openIdentity } from '../../shared/emulator/src/identity';

const run = promisify(execFile);
const repo = join(__dirname, '..', '..');
const moduleUrl = join(repo, 'shared', 'emulator', 'src', 'identity', 'index.ts');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'identity-store-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A separate Node process that opens the state dir and seeds `count` apps named `<prefix>-<i>`, one seed call each. */
function seedInChild(prefix: string, count: number): Promise<{ stdout: string }> {
  const code = `
    const { openIdentity } = require(${JSON.stringify(moduleUrl)});
    openIdentity({ stateDir: ${JSON.stringify(dir)}, baseUrl: 'https://127.0.0.1:9' }).then((id) => {
      for (let i = 0; i < ${count}; i++) id.seed({ apps: [{ displayName: '${prefix}-' + i }] });
      process.stdout.write(id.world().tenantId);
    });`;
  return run(process.execPath, ['--import', 'tsx', '-e', code], { cwd: repo });
}

describe('identity state shared by several processes', () => {
  it('creates one world when processes open a fresh directory at once, and loses no seed', async () => {
    const results = await Promise.all(['a', 'b', 'c', 'd'].map((p) => seedInChild(p, 10)));
    const tenants = new Set(results.map((r) => r.stdout));
    expect(tenants.size).toBe(1);

    const identity = await openIdentity({ stateDir: dir, baseUrl: 'https://127.0.0.1:10' });
    expect(identity.world().tenantId).toBe([...tenants][0]);
    const names = identity.world().apps.map((a) => a.displayName);
    for (const p of ['a', 'b', 'c', 'd']) for (let i = 0; i < 10; i++) expect(names).toContain(`${p}-${i}`);
    expect(names.filter((n) => n === 'aml-lifecycle-demo')).toHaveLength(1);
  }, 60_000);

  it('keeps the file private and lists every secret for masking', async () => {
    const identity = await openIdentity({ stateDir: dir, baseUrl: 'https://127.0.0.1:10' });
    expect(statSync(join(dir, 'identity.json')).mode & 0o077).toBe(0);
    const w = identity.world();
    const secrets = identity.secretValues();
    expect(secrets).toContain(w.apps[0]!.secrets[0]!.value);
    expect(secrets).toContain(w.githubJobs[0]!.requestToken);
    expect(secrets).toContain(w.adoConnections[0]!.systemAccessToken);
    const env = identity.clientEnv();
    expect(secrets).toContain(env.ACTIONS_ID_TOKEN_REQUEST_TOKEN);
    expect(secrets).toContain(env.SYSTEM_ACCESSTOKEN);
    // The signing keys are not part of the world callers see.
    expect(JSON.stringify(w)).not.toContain('PRIVATE KEY');
    expect(readFileSync(join(dir, 'identity.json'), 'utf8')).toContain('PRIVATE KEY');
  });

  it('sees a seed made by another process without reopening', async () => {
    const identity = await openIdentity({ stateDir: dir, baseUrl: 'https://127.0.0.1:10' });
    expect(identity.world().apps.map((a) => a.displayName)).not.toContain('late-0');
    await seedInChild('late', 1);
    expect(identity.world().apps.map((a) => a.displayName)).toContain('late-0');
  }, 30_000);
});
