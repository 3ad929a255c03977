/**
 * The monitor vocabulary the library and the configure-monitors step share: the schedule body, the trigger, the
 * signal kinds, per-metric thresholds and the feature filter, as the step's inputs parse them.
 */

/** A Schedule PUT body (or GET reply) at the GA contract; the values beyond those named stay open. */
export interface ScheduleBody {
  properties: {
    displayName?: string;
    description?: string;
    tags?: Record<string, string>;
    properties?: Record<string, string>;
    isEnabled?: boolean;
    trigger: { triggerType: string; [key: string]: unknown };
    action: { actionType: string; [key: string]: unknown };
    provisioningState?: string;
    [key: string]: unknown;
  };
}

export type Frequency = 'Minute' | 'Hour' | 'Day' | 'Week' | 'Month';

export type Trigger =
  | { kind: 'recurrence'; frequency: Frequency; interval: number; hours: number[]; minutes: number[] }
  | { kind: 'cron'; expression: string };

export type SignalKind = 'data-drift' | 'prediction-drift' | 'data-quality' | 'feature-attribution-drift';
export const SIGNAL_KINDS: readonly SignalKind[] = ['data-drift', 'prediction-drift', 'data-quality', 'feature-attribution-drift'];

export type FeatureFilter = { kind: 'all' } | { kind: 'top'; n: number } | { kind: 'subset'; features: string[] };

/** `<signal>.<data type>.<metric>` → value, metric in the YAML's snake_case; FAD has no data type. */
export interface Threshold {
  signal: SignalKind;
  dataType?: 'numerical' | 'categorical';
  metric: string;
  value: number;
}
