/**
 * `aml-lifecycle emulator`: run the emulator in the foreground, write `<stateDir>/env.sh` and `env.json`
 * for client processes, and stop cleanly (Azurite included) on SIGINT/SIGTERM.
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startEmulator } from './index';

const USAGE = `Usage: aml-lifecycle emulator [--state-dir DIR] [--port N] [--lro-seconds S] [--no-azurite]

  --state-dir DIR    where state lives (default .aml-emulator); several processes may share it
  --port N           port on 127.0.0.1 (default: a free one)
  --lro-seconds S    how long long-running operations take (default 2)
  --no-azurite       do not start Azurite (no blob storage)`;

interface Args {
  stateDir: string;
  port?: number;
  lroMs?: number;
  azurite: boolean;
  help: boolean;
}

function parseArgs(argv: string[]): Args | string {
  const a: Args = { stateDir: '.aml-emulator', azurite: true, help: false };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    try {
      switch (flag) {
        case '--state-dir':
          a.stateDir = value();
          break;
        case '--port': {
          const n = Number(value());
          if (!Number.isInteger(n) || n < 0 || n > 65535) return '--port must be a port number';
          a.port = n;
          break;
        }
        case '--lro-seconds': {
          const s = Number(value());
          if (!Number.isFinite(s) || s < 0) return '--lro-seconds must be a non-negative number';
          a.lroMs = Math.round(s * 1000);
          break;
        }
        case '--no-azurite':
          a.azurite = false;
          break;
        case '--help':
        case '-h':
          a.help = true;
          break;
        default:
          return `unknown option ${flag}`;
      }
    } catch (e) {
      return (e as Error).message;
    }
  }
  return a;
}

/** Names of values that let a process obtain tokens: written to env.sh / env.json (mode 0600), never printed. */
export function isSecretEnvName(name: string): boolean {
  return /(TOKEN|SECRET|PASSWORD|KEY)$/i.test(name);
}

function shellQuote(v: string): string {
  return `'${v.replace(/'/g, `'\\''`)}'`;
}

export async function runEmulatorCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  if (typeof args === 'string') {
    process.stderr.write(`error: ${args}\n\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const stateDir = resolve(args.stateDir);
  const emu = await startEmulator({
    stateDir,
    port: args.port,
    azurite: args.azurite,
    lroDurationMs: args.lroMs,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  const envSh = join(stateDir, 'env.sh');
  const envJson = join(stateDir, 'env.json');
  writeFileSync(envSh, Object.entries(emu.env).map(([k, v]) => `export ${k}=${shellQuote(v)}\n`).join(''), { mode: 0o600 });
  writeFileSync(envJson, `${JSON.stringify(emu.env, null, 2)}\n`, { mode: 0o600 });

  const secrets = new Set(emu.secretValues());
  const shown = Object.entries(emu.env)
    .map(([k, v]) => `  ${k}=${isSecretEnvName(k) || secrets.has(v) ? '***' : v}`)
    .join('\n');
  process.stdout.write(
    `Azure ML emulator running at ${emu.url}\n\n${shown}\n\n` +
      `Use it from another shell:  source ${envSh}\n` +
      `(env.json holds the same values; values shown as *** are credentials and are only in those files.)\n` +
      `Control surface: ${emu.url}/_emulator/world, /_emulator/journal, /_emulator/faults, /_emulator/seed\n` +
      `Press Ctrl+C to stop.\n`,
  );

  await new Promise<void>((done) => {
    const stop = (signal: string) => {
      process.stderr.write(`\n${signal}: stopping the emulator\n`);
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      done();
    };
    const onInt = () => stop('SIGINT');
    const onTerm = () => stop('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
  });
  await emu.stop();
  return 0;
}
