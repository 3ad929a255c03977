import { isDatastoreUri } from '../../../shared/src/assets/datastore-read';

test.each([
  ['azureml://datastores/workspaceblobstore/paths/e2e/train.csv', true],
  ['azureml://datastores/my_store_2/paths/a/b/c.parquet', true],
  ['azureml://datastores/bad-name/paths/a.csv', false],
  ['azureml://datastores/x?api-version=1/paths/a.csv', false],
  ['azureml://datastores/ws/paths/../other/a.csv', false],
  ['azureml://datastores/ws/paths/a.csv?sig=1', false],
  ['azureml://datastores/ws/paths/a\u0000.csv', false],
  ['https://example.org/a.csv', false],
])('%s is a datastore file URI: %s', (uri, ok) => {
  expect(isDatastoreUri(uri)).toBe(ok);
});
