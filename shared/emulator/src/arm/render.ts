/** Turning a stored resource into the JSON ARM returns. */
import type { Json, StoredResource } from '../state/model';

export function lastName(id: string): string {
  return id.slice(id.lastIndexOf('/') + 1);
}

export function render(res: StoredResource, overrides: Json = {}): Json {
  const { properties, ...rest } = res.body;
  const extraProps = (overrides.properties ?? {}) as Json;
  const { properties: _p, ...extraTop } = overrides;
  const out: Json = { id: res.id, name: lastName(res.id), type: res.type, ...rest, ...extraTop };
  if (properties !== undefined || Object.keys(extraProps).length) out.properties = { ...((properties as Json) ?? {}), ...extraProps };
  return out;
}
