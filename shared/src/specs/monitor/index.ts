/** Model monitor schedules: the contract, the service's normalisation, comparison, building from inputs, reading `az ml` YAML. */
export { scheduleContractProblems } from './contract';
export { normalizeSchedule } from './normalize';
export { scheduleDifferences } from './compare';
export { buildMonitorSchedule, triggerBody, type MonitorInputs } from './build';
export { canonicalDuration, defaultWindows, durationMs } from './durations';
export { dataRefOf, readScheduleYaml, type ReadScheduleOptions, type ScheduleFromYaml } from './yaml';
export * from './types';
