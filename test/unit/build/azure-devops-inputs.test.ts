import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AZURE_DEVOPS_OUT, AZURE_DEVOPS_STAMP, azureDevOpsBundleCurrent, azureDevOpsInputsHash } from '../../../shared/build/azure-devops-inputs';

function tree(): string {
  const root = mkdtempSync(join(tmpdir(), 'ado-inputs-'));
  mkdirSync(join(root, 'shared', 'src', 'core'), { recursive: true });
  mkdirSync(join(root, 'shared', 'entries'), { recursive: true });
  mkdirSync(join(root, 'shared', 'cli'), { recursive: true });
  writeFileSync(join(root, 'shared', 'src', 'core', 'a.ts'), 'export const a = 1;\n');
  writeFileSync(join(root, 'shared', 'entries', 'azure-devops.ts'), 'export {};\n');
  writeFileSync(join(root, 'package-lock.json'), '{}\n');
  return root;
}

describe('the uncommitted Azure DevOps bundle is rebuilt only when its sources change', () => {
  test('a bundle whose stamp matches its sources is current; a changed source, lock file or missing bundle is not', () => {
    const root = tree();
    expect(azureDevOpsBundleCurrent(root)).toBe(false);
    mkdirSync(join(root, AZURE_DEVOPS_OUT), { recursive: true });
    writeFileSync(join(root, AZURE_DEVOPS_OUT, 'index.js'), '');
    expect(azureDevOpsBundleCurrent(root)).toBe(false);
    writeFileSync(join(root, AZURE_DEVOPS_STAMP), azureDevOpsInputsHash(root) + '\n');
    expect(azureDevOpsBundleCurrent(root)).toBe(true);

    const before = azureDevOpsInputsHash(root);
    writeFileSync(join(root, 'shared', 'cli', 'demo.ts'), 'demo code is not in the task bundle\n');
    expect(azureDevOpsInputsHash(root)).toBe(before);
    writeFileSync(join(root, 'shared', 'src', 'core', 'a.ts'), 'export const a = 2;\n');
    expect(azureDevOpsBundleCurrent(root)).toBe(false);
    writeFileSync(join(root, AZURE_DEVOPS_STAMP), azureDevOpsInputsHash(root) + '\n');
    expect(azureDevOpsBundleCurrent(root)).toBe(true);
    writeFileSync(join(root, 'package-lock.json'), '{"lockfileVersion":3}\n');
    expect(azureDevOpsBundleCurrent(root)).toBe(false);
  });

  test('the stamp sits beside the bundle, outside what the tasks ship', () => {
    expect(AZURE_DEVOPS_STAMP.startsWith(AZURE_DEVOPS_OUT + '/')).toBe(false);
  });
});
