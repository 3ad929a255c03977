/**
 * Aliases (champion, prod, …) held as tags on model versions. Convention: the tag `alias.<name>` on the holder,
 * valued with the time it was assigned (ISO 8601). A version holds the alias when it carries the tag with any value
 * other than empty or `false`. Moving it tags the new holder first, then untags every previous holder, so there is
 * always a holder; a rerun finds the one holder in place and writes nothing.
 */
import { inputError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { ModelVersion } from '../azureml/resources';
import { newestFirst, withTags, type ModelStore } from './model-store';

export const ALIAS_TAG_PREFIX = 'alias.';
export const DEFAULT_ALIAS = 'champion';

const ALIAS = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

export function aliasTag(alias: string): string {
  return `${ALIAS_TAG_PREFIX}${alias}`;
}

/** Check an alias name from an input; `latest` is reserved for the newest version. */
export function validateAlias(alias: string, inputName: string): string {
  const a = alias.trim();
  if (!ALIAS.test(a)) {
    throw inputError(`Input '${inputName}': '${alias}' is not a valid alias (a letter, then letters, digits, '-' or '_'; at most 64)`, { input: inputName });
  }
  if (a.toLowerCase() === 'latest') {
    throw inputError(`Input '${inputName}': 'latest' always means the newest version and cannot be an alias`, { input: inputName });
  }
  return a;
}

export function holdsAlias(version: Pick<ModelVersion, 'properties'>, alias: string): boolean {
  const value = version.properties?.tags?.[aliasTag(alias)];
  return value !== undefined && value !== null && value.trim() !== '' && value.trim().toLowerCase() !== 'false';
}

export interface AliasMove {
  alias: string;
  /** The version that holds the alias now */
  holder: string;
  /** Versions that held it before (usually one; several when something else broke the rule) */
  previous: string[];
  /** False when the version already was the only holder: nothing was written */
  changed: boolean;
}

/** Versions holding `alias`, newest first. */
export async function aliasHolders(store: ModelStore, name: string, alias: string): Promise<ModelVersion[]> {
  return (await store.listVersions(name)).filter((v) => holdsAlias(v, alias)).sort(newestFirst);
}

export async function moveAlias(
  store: ModelStore,
  name: string,
  version: string,
  alias: string,
  opts: { logger?: Logger; now?: Date } = {},
): Promise<AliasMove> {
  const holders = await aliasHolders(store, name, alias);
  const previous = holders.map((v) => String(v.name));
  const others = holders.filter((v) => String(v.name) !== version);
  const tag = aliasTag(alias);

  if (!previous.includes(version)) {
    const target = await store.getVersion(name, version);
    if (!target) {
      throw inputError(`Cannot move alias '${alias}': model ${name}:${version} does not exist in ${store.label}`);
    }
    const tags = { ...(target.properties?.tags ?? {}), [tag]: (opts.now ?? new Date()).toISOString() };
    await store.putVersion(name, version, withTags(target, tags));
    opts.logger?.info(`Alias '${alias}' now on ${name}:${version} in ${store.label}.`);
  }
  for (const old of others) {
    const { [tag]: _removed, ...tags } = old.properties?.tags ?? {};
    await store.putVersion(name, String(old.name), withTags(old, tags));
    opts.logger?.info(`Alias '${alias}' removed from ${name}:${old.name}.`);
  }
  return { alias, holder: version, previous, changed: !previous.includes(version) || others.length > 0 };
}
