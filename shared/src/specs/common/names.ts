/**
 * Endpoint and deployment names (reference azml-yaml-to-rest §7): 3-32 characters, a letter first. The SDK checks
 * online and batch endpoints and online deployments with the same rule.
 */
export const ENDPOINT_NAME = /^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$/;

/** Why `value` cannot name an endpoint or deployment, or undefined when it can. */
export function endpointNameProblem(value: string, what: 'endpoint' | 'deployment'): string | undefined {
  if (value.length < 3 || value.length > 32) {
    return `the ${what} name '${value}' is ${value.length} characters long; it must be at least 3 and at most 32 characters long`;
  }
  if (!ENDPOINT_NAME.test(value)) {
    return `the ${what} name '${value}' must start with an upper- or lowercase letter, end with a letter or digit, and only consist of '-'s and alphanumeric characters`;
  }
  return undefined;
}
