/**
 * Azure Monitor metrics of online endpoints and deployments, named as in "Supported metrics for
 * Microsoft.MachineLearningServices/workspaces/onlineEndpoints[/deployments]" (learn.microsoft.com). Each says
 * how its value is made from the recorded samples:
 *   per-value  every sample is one value (RequestLatency, ConnectionsActive, CPU / memory readings)
 *   per-minute samples are grouped by minute and the group becomes one value (count, percentile, per-second rate)
 *   none       the emulator has nothing to measure (no GPU, no data collector, no disk accounting): no data points
 */
export type Aggregation = 'Average' | 'Count' | 'Maximum' | 'Minimum' | 'Total';
export type Scope = 'endpoint' | 'deployment';

export interface MetricDef {
  name: string;
  displayName: string;
  description: string;
  unit: 'Count' | 'Milliseconds' | 'Percent' | 'BytesPerSecond' | 'CountPerSecond';
  category: 'Traffic' | 'Resource';
  primary: Aggregation;
  supported: Aggregation[];
  dimensions: string[];
  source: 'request' | 'resource' | 'none';
  kind: 'per-value' | 'per-minute' | 'none';
  /** per-value: the value of one sample; per-minute: the value of one minute's samples. */
  value?: (samples: { lat?: number; fl?: number; cpu?: number; mem?: number; bi?: number; bo?: number; nc?: 1; i?: string }[]) => number;
}

const ALL: Aggregation[] = ['Average', 'Count', 'Maximum', 'Minimum', 'Total'];
const MMA: Aggregation[] = ['Minimum', 'Maximum', 'Average'];

export function percentile(values: number[], p: number): number {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}

function latencyP(p: number, dimensions: string[]): MetricDef {
  return {
    name: `RequestLatency_P${p}`,
    displayName: `Request Latency P${p}`,
    description: `The average P${p} request latency aggregated by all request latency values collected over the selected time period`,
    unit: 'Milliseconds',
    category: 'Traffic',
    primary: 'Average',
    supported: ALL,
    dimensions,
    source: 'request',
    kind: 'per-minute',
    value: (s) => percentile(s.map((x) => x.lat ?? 0), p),
  };
}

function nothing(name: string, displayName: string, description: string, unit: MetricDef['unit'], dimensions: string[], category: MetricDef['category'] = 'Resource'): MetricDef {
  return { name, displayName, description, unit, category, primary: 'Average', supported: MMA, dimensions, source: 'none', kind: 'none' };
}

const requestsPerMinute = (dimensions: string[], description: string): MetricDef => ({
  name: 'RequestsPerMinute',
  displayName: 'Requests Per Minute',
  description,
  unit: 'Count',
  category: 'Traffic',
  primary: 'Average',
  supported: ALL,
  dimensions,
  source: 'request',
  kind: 'per-minute',
  value: (s) => s.length,
});

export const ENDPOINT_METRICS: MetricDef[] = [
  { name: 'ConnectionsActive', displayName: 'Connections Active', description: 'The total number of concurrent TCP connections active from clients.', unit: 'Count', category: 'Traffic', primary: 'Average', supported: ALL, dimensions: [], source: 'request', kind: 'per-value', value: (s) => s[0].fl ?? 1 },
  nothing('DataCollectionErrorsPerMinute', 'Data Collection Errors Per Minute', 'The number of data collection events dropped per minute.', 'Count', ['deployment', 'reason', 'type'], 'Traffic'),
  nothing('DataCollectionEventsPerMinute', 'Data Collection Events Per Minute', 'The number of data collection events processed per minute.', 'Count', ['deployment', 'type'], 'Traffic'),
  { name: 'NetworkBytes', displayName: 'Network Bytes', description: 'The bytes per second served for the endpoint.', unit: 'BytesPerSecond', category: 'Traffic', primary: 'Average', supported: ALL, dimensions: [], source: 'request', kind: 'per-minute', value: (s) => s.reduce((a, x) => a + (x.bi ?? 0) + (x.bo ?? 0), 0) / 60 },
  { name: 'NewConnectionsPerSecond', displayName: 'New Connections Per Second', description: 'The average number of new TCP connections per second established from clients.', unit: 'CountPerSecond', category: 'Traffic', primary: 'Average', supported: ALL, dimensions: [], source: 'request', kind: 'per-minute', value: (s) => s.filter((x) => x.nc).length / 60 },
  { name: 'RequestLatency', displayName: 'Request Latency', description: 'The average complete interval of time taken for a request to be responded in milliseconds', unit: 'Milliseconds', category: 'Traffic', primary: 'Average', supported: ALL, dimensions: ['deployment'], source: 'request', kind: 'per-value', value: (s) => s[0].lat ?? 0 },
  latencyP(50, ['deployment']),
  latencyP(90, ['deployment']),
  latencyP(95, ['deployment']),
  latencyP(99, ['deployment']),
  requestsPerMinute(['deployment', 'statusCode', 'statusCodeClass', 'modelStatusCode'], 'The number of requests sent to online endpoint within a minute'),
];

export const DEPLOYMENT_METRICS: MetricDef[] = [
  { name: 'CpuMemoryUtilizationPercentage', displayName: 'CPU Memory Utilization Percentage', description: 'Percentage of memory utilization on an instance. Utilization is reported at one minute intervals.', unit: 'Percent', category: 'Resource', primary: 'Average', supported: MMA, dimensions: ['instanceId'], source: 'resource', kind: 'per-value', value: (s) => s[0].mem ?? 0 },
  { name: 'CpuUtilizationPercentage', displayName: 'CPU Utilization Percentage', description: 'Percentage of CPU utilization on an instance. Utilization is reported at one minute intervals.', unit: 'Percent', category: 'Resource', primary: 'Average', supported: MMA, dimensions: ['instanceId'], source: 'resource', kind: 'per-value', value: (s) => s[0].cpu ?? 0 },
  nothing('DataCollectionErrorsPerMinute', 'Data Collection Errors Per Minute', 'The number of data collection events dropped per minute.', 'Count', ['instanceId', 'reason', 'type']),
  nothing('DataCollectionEventsPerMinute', 'Data Collection Events Per Minute', 'The number of data collection events processed per minute.', 'Count', ['instanceId', 'type']),
  { name: 'DeploymentCapacity', displayName: 'Deployment Capacity', description: 'The number of instances in the deployment.', unit: 'Count', category: 'Resource', primary: 'Average', supported: MMA, dimensions: ['instanceId', 'State'], source: 'resource', kind: 'per-minute', value: (s) => new Set(s.map((x) => x.i)).size },
  nothing('DiskUtilization', 'Disk Utilization', 'Percentage of disk utilization on an instance. Utilization is reported at one minute intervals.', 'Percent', ['instanceId', 'disk']),
  nothing('GpuEnergyJoules', 'GPU Energy in Joules', 'Interval energy in Joules on a GPU node. Energy is reported at one minute intervals.', 'Count', ['instanceId']),
  nothing('GpuMemoryUtilizationPercentage', 'GPU Memory Utilization Percentage', 'Percentage of GPU memory utilization on an instance. Utilization is reported at one minute intervals.', 'Percent', ['instanceId']),
  nothing('GpuUtilizationPercentage', 'GPU Utilization Percentage', 'Percentage of GPU utilization on an instance. Utilization is reported at one minute intervals.', 'Percent', ['instanceId']),
  latencyP(50, []),
  latencyP(90, []),
  latencyP(95, []),
  latencyP(99, []),
  requestsPerMinute(['envoy_response_code'], 'The number of requests sent to online deployment within a minute'),
];
