import { inOrder } from '../../../shared/src/core/in-order';

const later = <T>(ms: number, value: T) => new Promise<T>((r) => setTimeout(() => r(value), ms));
const failLater = (ms: number, message: string) => new Promise<never>((_, reject) => setTimeout(() => reject(new Error(message)), ms));

describe('inOrder', () => {
  test('every value, in the order given, whatever order they arrive in', async () => {
    await expect(inOrder([later(20, 'a'), later(1, 2), Promise.resolve(undefined)] as const)).resolves.toEqual(['a', 2, undefined]);
  });

  test('the failure of the first promise in the order given, even when a later one fails first', async () => {
    await expect(inOrder([failLater(30, 'workspace not found'), failLater(1, 'datastore not found')] as const)).rejects.toThrow('workspace not found');
    await expect(inOrder([later(1, 'ok'), failLater(20, 'second'), failLater(1, 'third')] as const)).rejects.toThrow('second');
  });

  test('waits for every promise, so a later failure is handled, not left unhandled', async () => {
    let settled = 0;
    const track = <T>(p: Promise<T>) => p.finally(() => settled++);
    await expect(inOrder([track(failLater(1, 'first')), track(later(25, 'slow'))] as const)).rejects.toThrow('first');
    expect(settled).toBe(2);
  });
});
