/** The SDK's case helpers (reference §0.10): AMLToken → aml_token, TargetUtilization → target_utilization, system_assigned → SystemAssigned, aad_token → aadToken. */
export function camelToSnake(s: string): string {
  return s
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

export function snakeToPascal(s: string): string {
  return s
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

/** lowerCamel, as the SDK's snake_to_camel: aad_token → aadToken, key → key. */
export function snakeToCamel(s: string): string {
  const pascal = snakeToPascal(s);
  return pascal.charAt(0).toLowerCase() + pascal.slice(1);
}
