/** Online endpoints (managed and Kubernetes): the deploy phases, the doctor's parts, triage and the summary. */
export * from './connection';
export * from './flow';
export * from './doctor';
export * from './managed-capacity';
export * from './triage';
export * from './summary';
export { planAssets, type ResolvedAssetPlan, type AssetWrite, type AssetIds } from './assets';
