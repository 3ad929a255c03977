/** A conforming GA CreateMonitor schedule body (azureml-rest-api §4.8), built fresh for each test to change. */
export const DEPLOYMENT_ID = '/subscriptions/s1/resourceGroups/rg1/providers/Microsoft.MachineLearningServices/workspaces/ws1/onlineEndpoints/credit/deployments/blue';

export function goodBody(): any {
  return {
    properties: {
      displayName: 'credit-default-monitor',
      isEnabled: true,
      trigger: { triggerType: 'Recurrence', frequency: 'Day', interval: 1, schedule: { hours: [3], minutes: [15] }, timeZone: 'UTC' },
      action: {
        actionType: 'CreateMonitor',
        monitorDefinition: {
          computeConfiguration: { computeType: 'ServerlessSpark', computeIdentity: { computeIdentityType: 'AmlToken' }, instanceType: 'standard_e4s_v3', runtimeVersion: '3.4' },
          monitoringTarget: { taskType: 'Classification', deploymentId: DEPLOYMENT_ID },
          signals: {
            'data-drift': {
              signalType: 'DataDrift',
              productionData: { inputDataType: 'Rolling', jobInputType: 'uri_folder', uri: 'azureml:prod:1', windowSize: 'P7D', windowOffset: 'P0D' },
              referenceData: { inputDataType: 'Fixed', jobInputType: 'mltable', uri: 'azureml:train:1' },
              features: { filterType: 'TopNByAttribution', top: 10 },
              metricThresholds: [
                { dataType: 'Numerical', metric: 'JensenShannonDistance', threshold: { value: 0.01 } },
                { dataType: 'Categorical', metric: 'PearsonsChiSquaredTest', threshold: { value: 0.02 } },
              ],
            },
            quality: {
              signalType: 'DataQuality',
              notificationTypes: ['AmlNotification'],
              productionData: { inputDataType: 'Rolling', jobInputType: 'uri_folder', uri: 'azureml:prod:1', windowSize: 'P7D', windowOffset: 'P0D' },
              referenceData: { inputDataType: 'Static', jobInputType: 'mltable', uri: 'azureml:train:1', windowStart: '2024-01-01T00:00:00', windowEnd: '2024-02-01T00:00:00' },
              metricThresholds: [{ dataType: 'Numerical', metric: 'NullValueRate', threshold: { value: 0 } }],
            },
            fad: {
              signalType: 'FeatureAttributionDrift',
              productionData: [{ inputDataType: 'Rolling', jobInputType: 'uri_folder', uri: 'azureml:prod:1', windowSize: 'P7D', windowOffset: 'P0D' }],
              referenceData: { inputDataType: 'Fixed', jobInputType: 'mltable', uri: 'azureml:train:1' },
              metricThreshold: { metric: 'NormalizedDiscountedCumulativeGain', threshold: { value: 0.9 } },
              featureImportanceSettings: { mode: 'Enabled', targetColumn: 'y' },
            },
            custom: {
              signalType: 'Custom',
              componentId: '/subscriptions/s1/resourceGroups/rg1/providers/Microsoft.MachineLearningServices/workspaces/ws1/components/sig/versions/1',
              metricThresholds: [{ metric: 'std_deviation', threshold: { value: 2 } }],
              inputAssets: { x: { inputDataType: 'Fixed', jobInputType: 'mltable', uri: 'azureml:x:1' } },
            },
          },
          alertNotificationSettings: { emailNotificationSettings: { emails: ['mlops@contoso.com'] } },
        },
      },
    },
  };
}
