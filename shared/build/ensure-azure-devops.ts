/**
 * `npm test` and `npm run demo` run the Azure DevOps tasks as the agent does, from the uncommitted Azure DevOps
 * bundle: this builds it when it is missing or older than its sources (about 20 s), and says so either way.
 */
import { join } from 'node:path';
import { azureDevOpsBundleCurrent, AZURE_DEVOPS_OUT } from './azure-devops-inputs';

async function main(): Promise<void> {
  const root = join(__dirname, '..', '..');
  if (azureDevOpsBundleCurrent(root)) {
    console.log(`Azure DevOps task bundle: ${AZURE_DEVOPS_OUT} is current`);
    return;
  }
  console.log(`Azure DevOps task bundle: building ${AZURE_DEVOPS_OUT} (not committed: tasks ship in the .vsix)`);
  const { buildBundles } = await import('./bundle');
  await buildBundles(['azure-devops']);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
