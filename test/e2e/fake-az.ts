/**
 * A stand-in for the Azure CLI, for machines without it: an `az` executable that answers the one command
 * @azure/identity's AzureCliCredential runs (`az account get-access-token --output json --resource R [--tenant T]`)
 * the way a CLI logged in with `az login --service-principal` does. It gets a real token from the emulator's Entra
 * (v1 endpoint, client credentials) and prints it in az's JSON shape; without a login it fails with az's message.
 * Every invocation's arguments are appended to <configDir>/calls.log.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface FakeAzLogin {
  /** The Entra authority host, e.g. https://127.0.0.1:1234/entra */
  authority: string;
  tenantId: string;
  clientId: string;
  secret: string;
  subscriptionId: string;
}

const SCRIPT = String.raw`
'use strict';
const { appendFileSync, existsSync, readFileSync } = require('node:fs');
const { join } = require('node:path');
const configDir = process.env.AZURE_CONFIG_DIR;
const args = process.argv.slice(2);
appendFileSync(join(configDir, 'calls.log'), JSON.stringify(args) + '\n');
function fail(message, code) {
  process.stderr.write('ERROR: ' + message + '\n');
  process.exit(code === undefined ? 1 : code);
}
function option(name) {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}
if (args[0] !== 'account' || args[1] !== 'get-access-token') fail("'" + args.join(' ') + "' is not a command this stand-in knows.", 2);
if (option('--output') !== 'json') fail('this stand-in only writes --output json', 2);
const resource = option('--resource');
if (!resource) fail('the following arguments are required: --resource', 2);
const loginFile = join(configDir, 'login.json');
if (!existsSync(loginFile)) fail("Please run 'az login' to setup account.");
const login = JSON.parse(readFileSync(loginFile, 'utf8'));
const tenant = option('--tenant') || login.tenantId;
const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: login.clientId, client_secret: login.secret, resource });
fetch(login.authority + '/' + tenant + '/oauth2/token', {
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body,
})
  .then(async (res) => {
    const json = await res.json();
    if (!res.ok) fail(String(json.error_description || json.error || res.status));
    const expiresOn = Number(json.expires_on);
    const d = new Date(expiresOn * 1000);
    const pad = (n) => String(n).padStart(2, '0');
    const local = d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' ' + pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds()) + '.000000';
    process.stdout.write(JSON.stringify({ accessToken: json.access_token, expiresOn: local, expires_on: expiresOn, subscription: login.subscriptionId, tenant, tokenType: 'Bearer' }, null, 2) + '\n');
  })
  .catch((e) => fail(String(e && e.message)));
`;

/** Writes `az` into <dir>/bin and returns the PATH entry and the AZURE_CONFIG_DIR; `login` logs it in. */
export function installFakeAz(dir: string, login?: FakeAzLogin): { binDir: string; configDir: string } {
  const binDir = join(dir, 'bin');
  const configDir = join(dir, 'config');
  mkdirSync(binDir, { recursive: true });
  mkdirSync(configDir, { recursive: true });
  writeFileSync(join(binDir, 'az'), `#!${process.execPath}\n${SCRIPT}`);
  chmodSync(join(binDir, 'az'), 0o755);
  if (login) writeFileSync(join(configDir, 'login.json'), JSON.stringify(login), { mode: 0o600 });
  return { binDir, configDir };
}
