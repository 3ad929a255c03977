import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type RunningEmulator } from '../../shared/emulator/src';
import { EmulatorControl, type EmulatorWorld, type JournalEntry } from '../../shared/cli/emulator-control';

export const REPO = join(__dirname, '..', '..');
export const TEST_CA_DIR = join(REPO, 'test', '.ca');

export interface TestEmulator {
  emulator: RunningEmulator;
  control: EmulatorControl;
  world: EmulatorWorld;
  env: Record<string, string>;
  stateDir: string;
  stop(): Promise<void>;
}

/** A fresh emulator (own state dir, Azurite) on the shared test CA, which `npm test` makes Node trust. */
export async function startTestEmulator(opts: { lroDurationMs?: number } = {}): Promise<TestEmulator> {
  const stateDir = mkdtempSync(join(tmpdir(), 'aml-emu-test-'));
  const emulator = await startEmulator({ stateDir, tlsDir: TEST_CA_DIR, lroDurationMs: opts.lroDurationMs ?? 1000 });
  const control = new EmulatorControl(emulator.url, join(TEST_CA_DIR, 'ca.pem'));
  const world = await control.world();
  return {
    emulator,
    control,
    world,
    env: emulator.env,
    stateDir,
    stop: async () => {
      await emulator.stop();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** ARM POST actions that only read (keys, secrets, a token, an event subscription's URL): not writes. */
const READ_ACTIONS = /\/(listKeys|listSecrets|token|getFullUrl)$/i;
export const isArmWrite = (e: JournalEntry) => e.path.startsWith('/subscriptions/') && e.method !== 'GET' && !(e.method === 'POST' && READ_ACTIONS.test(e.path));

/** Lines a runner or agent consumes instead of showing (they carry the secret being masked). */
export function visibleLog(text: string): string {
  return text
    .split(/\r?\n/)
    .filter((l) => !l.startsWith('::add-mask::') && !l.startsWith('##vso[task.setsecret]'))
    .join('\n');
}

export const JWT = /eyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}/;
