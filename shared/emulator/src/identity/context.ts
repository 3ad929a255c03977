import type { IdentityState, IdentityStore } from './store';

/** What the identity routes share: the base URL and the (re-read on change) persisted state. */
export interface IdentityContext {
  baseUrl: string;
  store: IdentityStore;
}

export function currentState(ctx: IdentityContext): IdentityState {
  return ctx.store.read();
}
