/**
 * The emulator's own issuer URLs contain its base URL, whose port changes between runs. The persisted world
 * stores them with a placeholder instead, and the API shows them resolved against the current base URL.
 */
export const BASE_URL_PLACEHOLDER = '{emulator}';

export function resolveIssuer(stored: string, baseUrl: string): string {
  return stored.startsWith(BASE_URL_PLACEHOLDER) ? baseUrl + stored.slice(BASE_URL_PLACEHOLDER.length) : stored;
}

export function storeIssuer(issuer: string, baseUrl: string): string {
  return issuer.startsWith(`${baseUrl}/`) ? BASE_URL_PLACEHOLDER + issuer.slice(baseUrl.length) : issuer;
}
