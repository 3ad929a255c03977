import type { ContentHash } from '../../../shared/src/assets/content-hash';
import { pendingUploadId, pendingUploadTarget } from '../../../shared/src/promote/pending-upload';

const folder: ContentHash = {
  hash: '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
  files: [{ relativePath: 'MLmodel', size: 1, absolutePath: '/m/credit-model/MLmodel' }],
  totalBytes: 1,
  root: '/m/credit-model',
  isFile: false,
};
const file: ContentHash = { ...folder, files: [{ relativePath: 'model.onnx', size: 1, absolutePath: '/m/model.onnx' }], root: '/m/model.onnx', isFile: true };
const answer = (blobUri: string, sasUri: string) => ({ blobReferenceForConsumption: { blobUri, credential: { credentialType: 'SAS', sasUri } } });

describe('pendingUploadTarget', () => {
  test('an Azure blob URL: container from the first segment, files under the folder, SAS split off', () => {
    const t = pendingUploadTarget(
      answer('https://regstore.blob.core.windows.net/container-1/LocalUpload/abc', 'https://regstore.blob.core.windows.net/container-1/LocalUpload/abc?sv=2024&sr=c&sig=SECRET'),
      folder,
    );
    expect(t).toEqual({
      containerUrl: 'https://regstore.blob.core.windows.net/container-1',
      sas: 'sv=2024&sr=c&sig=SECRET',
      prefix: 'LocalUpload/abc/credit-model',
      modelUri: 'https://regstore.blob.core.windows.net/container-1/LocalUpload/abc/credit-model',
    });
  });

  test('a path-style emulator URL keeps the account in the container URL; a single file is named in the URI', () => {
    const t = pendingUploadTarget(answer('https://127.0.0.1:10000/acct/c1/up/', 'https://127.0.0.1:10000/acct/c1/up?sig=S'), file);
    expect(t).toEqual({ containerUrl: 'https://127.0.0.1:10000/acct/c1', sas: 'sig=S', prefix: 'up', modelUri: 'https://127.0.0.1:10000/acct/c1/up/model.onnx' });
  });

  test('answers without a location or credential are service errors that never show the SAS', () => {
    expect(() => pendingUploadTarget({ blobReferenceForConsumption: { blobUri: 'https://a.blob.core.windows.net/c/p' } }, folder)).toThrow(/without a blobUri and a SAS credential/);
    expect(() => pendingUploadTarget(answer('https://a.blob.core.windows.net/', 'https://a.blob.core.windows.net/?sig=X'), folder)).toThrow(/without a container/);
    expect(() => pendingUploadTarget(answer('not a url', 'https://x/?sig=SECRET'), folder)).toThrow(/^((?!SECRET).)*$/);
  });

  test('the pending upload id is GUID-shaped and follows the content', () => {
    expect(pendingUploadId(folder)).toBe('01234567-89ab-cdef-0123-456789abcdef');
    expect(pendingUploadId({ ...folder, hash: 'f'.repeat(64) })).not.toBe(pendingUploadId(folder));
  });
});
