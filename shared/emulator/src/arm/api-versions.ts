/** api-versions the emulator accepts, per provider. */
import type { Reply } from '../http';
import { armError } from './errors';
import { KNOWN_API_VERSIONS } from '../../../src/specs/api-version';

/** Azure ML's api-versions: the same list the steps check their `api-version` input against (one fact, one place). */
export const ML_API_VERSIONS: readonly string[] = KNOWN_API_VERSIONS;

export const RESOURCES_API_VERSIONS = [
  '2016-06-01',
  '2019-10-01',
  '2020-01-01',
  '2021-01-01',
  '2021-04-01',
  '2022-01-01',
  '2022-09-01',
  '2022-12-01',
  '2023-07-01',
  '2024-03-01',
  '2024-07-01',
  '2024-11-01',
  '2025-04-01',
];

export function missingApiVersion(): Reply {
  return armError(
    400,
    'MissingApiVersionParameter',
    "The api-version query parameter (?api-version=) is required for all requests.",
  );
}

/** For a provider resource type: ARM answers an unknown version with NoRegisteredProviderFound. */
export function checkMlApiVersion(version: string, typeName: string, location: string, supported = ML_API_VERSIONS): Reply | undefined {
  if (supported.includes(version)) return undefined;
  return armError(
    400,
    'NoRegisteredProviderFound',
    `No registered resource provider found for location '${location}' and API version '${version}' for type '${typeName}'. ` +
      `The supported api-versions are '${supported.join(', ')}'. The supported locations are 'eastus, eastus2, westus2, westeurope, northeurope, uksouth'.`,
  );
}

export function checkResourcesApiVersion(version: string): Reply | undefined {
  if (RESOURCES_API_VERSIONS.includes(version)) return undefined;
  return armError(
    400,
    'InvalidApiVersionParameter',
    `The api-version '${version}' is invalid. The supported versions are '${RESOURCES_API_VERSIONS.join(',')}'. ` +
      'Please refer to https://aka.ms/arm-api-versions for the supported versions.',
  );
}
