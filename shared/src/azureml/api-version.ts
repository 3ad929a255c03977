/**
 * api-version for the operations @azure/arm-machinelearning (2022-10-01) lacks: registries, registry models and
 * startPendingUpload, model version publish, online endpoints, schedules with CreateMonitor, and model version
 * writes carrying fields the 2022-10-01 contract does not know.
 *
 * 2025-12-01: a GA version public for months, the one pulumi-azure-native made its default in March 2026 (so it
 * is served broadly), and it carries registries, pending uploads, online endpoints and CreateMonitor schedules.
 * 2026-05-01/2026-07-01 are newer (identical to each other) but a merged spec does not prove ARM serves them in
 * every region yet; callers can opt in through the `api-version` input. Not verified here: that
 * ModelVersions_Publish exists before 2026-05-01; a service 400 on an unknown operation names the api-version.
 * The versions accepted at all are listed once, in specs/api-version.
 */
export const DEFAULT_API_VERSION = '2025-12-01';

export { apiVersionProblem, checkApiVersion, isApiVersion, KNOWN_API_VERSIONS } from '../specs/api-version';
