/**
 * The Azure ML (Microsoft.MachineLearningServices) api-versions a step may be told to use: the one list, checked
 * before anything is sent. ARM answers an unknown version only once a request reaches it, with
 * NoRegisteredProviderFound, after sign-in and possibly halfway through a plan; a typo is cheaper to catch here.
 *
 * Stable versions: the `stable/` folders of azure-rest-api-specs from the SDK's pinned 2022-10-01 on (reference
 * §1.1; 2026-03-01 exists only in closed pull requests and is left out). Previews: 2026-07-15-preview (reference
 * §1.1) and the previews the emulator serves, which were published in the same spec repository.
 */
import { inputError } from '../core/errors';

export const KNOWN_API_VERSIONS: readonly string[] = [
  '2022-10-01',
  '2023-04-01',
  '2023-10-01',
  '2024-04-01',
  '2024-10-01',
  '2025-04-01',
  '2025-09-01',
  '2025-12-01',
  '2026-05-01',
  '2026-07-01',
  '2024-01-01-preview',
  '2024-07-01-preview',
  '2024-10-01-preview',
  '2025-01-01-preview',
  '2025-07-01-preview',
  '2026-07-15-preview',
];

const FORMAT = /^(\d{4})-(\d{2})-(\d{2})(-preview)?$/;

/** True when `value` has the form of an api-version: YYYY-MM-DD or YYYY-MM-DD-preview. */
export function isApiVersion(value: string): boolean {
  return FORMAT.test(value);
}

/** Why `value` cannot be used as the Azure ML api-version, or undefined when it can. */
export function apiVersionProblem(value: string): string | undefined {
  const m = FORMAT.exec(value);
  if (!m) return 'an api-version looks like 2025-12-01 or 2025-01-01-preview';
  const [, y, mo, d] = m;
  const date = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (date.getUTCFullYear() !== Number(y) || date.getUTCMonth() !== Number(mo) - 1 || date.getUTCDate() !== Number(d)) {
    return `${y}-${mo}-${d} is not a date`;
  }
  if (!KNOWN_API_VERSIONS.includes(value)) {
    const stable = KNOWN_API_VERSIONS.filter((v) => !v.endsWith('-preview'));
    return `Azure Machine Learning has no api-version ${value} (known: ${stable.join(', ')} and the previews ${KNOWN_API_VERSIONS.filter((v) => v.endsWith('-preview')).join(', ')})`;
  }
  return undefined;
}

/** `value` when it is a known api-version; else an input error naming `input`. */
export function checkApiVersion(value: string, input = 'api-version'): string {
  const problem = apiVersionProblem(value);
  if (problem) {
    throw inputError(`Input '${input}' is not a usable api-version: '${value}' (${problem}).`, {
      input,
      hint: 'Leave it empty for the default, or use one of the listed versions.',
    });
  }
  return value;
}
