/**
 * Reads that do not depend on each other, sent together: the values of every promise, or the failure of the first
 * one *in the order given* (not the first to fail in time), so the error a user sees does not depend on which
 * answer arrived first (a missing workspace is reported as such, not as the datastore lookup it also breaks).
 * Every promise is waited for, so none is left rejected with no one to handle it.
 */
export async function inOrder<T extends readonly unknown[]>(promises: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const settled = await Promise.allSettled(promises as readonly Promise<unknown>[]);
  for (const s of settled) if (s.status === 'rejected') throw s.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as unknown as T;
}
