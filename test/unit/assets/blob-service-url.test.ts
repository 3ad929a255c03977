import { blobServiceUrl } from '../../../shared/src/assets/blob-service-url';

test.each([
  [{ accountName: 'acct', endpoint: 'core.windows.net' }, 'https://acct.blob.core.windows.net'],
  [{ accountName: 'acct', endpoint: 'core.chinacloudapi.cn', protocol: 'https' }, 'https://acct.blob.core.chinacloudapi.cn'],
  [{ accountName: 'acct', endpoint: 'local.azurestack.external' }, 'https://acct.blob.local.azurestack.external'],
  [{ accountName: 'devstoreaccount1', endpoint: '127.0.0.1:10000', protocol: 'http' }, 'http://127.0.0.1:10000/devstoreaccount1'],
  [{ accountName: 'acct', endpoint: 'localhost:10000' }, 'https://localhost:10000/acct'],
  [{ accountName: 'acct', endpoint: 'LOCALHOST' }, 'https://LOCALHOST/acct'],
  [{ accountName: 'acct', endpoint: '10.1.2.3' }, 'https://10.1.2.3/acct'],
  [{ accountName: 'acct', endpoint: '[::1]:10000' }, 'https://[::1]:10000/acct'],
  [{ accountName: 'acct', endpoint: '::1' }, 'https://[::1]/acct'],
  [{ accountName: 'acct', endpoint: 'https://127.0.0.1:443/' }, 'https://127.0.0.1:443/acct'],
])('%j → %s', (opts, url) => {
  expect(blobServiceUrl(opts)).toBe(url);
});
