/** Every ARM resource type the emulator serves. Add a handler module here to serve a new type. */
import type { ResourceTypeHandler } from './call';
import { workspaceHandlers } from './workspaces';
import { datastoreHandlers } from './datastores';
import { modelContainerHandlers, modelVersionHandlers } from './models';
import { onlineEndpointHandlers } from './online-endpoints';
import { registryHandlers } from './registries';
import { registryModelContainerHandlers, registryModelVersionHandlers } from './registry-models';
import { publishModelVersion } from './model-publish';
import { onlineDeploymentHandlers, onlineDeploymentSkuHandlers } from './online-deployments';
import { codeContainerHandlers, codeVersionHandlers, environmentContainerHandlers, environmentVersionHandlers } from './assets';
import { usageHandlers, vmSizeHandlers } from './vm-sizes';
import { connectedClusterHandlers, managedClusterHandlers } from './kubernetes-clusters';
import { extensionHandlers } from './kubernetes-extensions';
import { computeHandlers } from './computes';
import { batchEndpointHandlers } from './batch-endpoints';
import { batchDeploymentHandlers } from './batch-deployments';
import { loadTestHandlers } from '../loadtesting/arm';
import { actionGroupHandlers, metricAlertHandlers } from './insights-alerts';
import { eventSubscriptionHandlers } from './eventgrid-subscriptions';
import { scheduleHandlers } from './schedules';
import { commandJobHandlers } from './jobs';
import { componentContainerHandlers, componentVersionHandlers, dataContainerHandlers, dataVersionHandlers } from './data-components';

export const resourceTypes: ResourceTypeHandler[] = [
  workspaceHandlers,
  datastoreHandlers,
  computeHandlers,
  modelContainerHandlers,
  { ...modelVersionHandlers, actions: { ...modelVersionHandlers.actions, publish: publishModelVersion } },
  onlineEndpointHandlers,
  onlineDeploymentHandlers,
  onlineDeploymentSkuHandlers,
  environmentContainerHandlers,
  environmentVersionHandlers,
  codeContainerHandlers,
  codeVersionHandlers,
  dataContainerHandlers,
  dataVersionHandlers,
  componentContainerHandlers,
  componentVersionHandlers,
  batchEndpointHandlers,
  batchDeploymentHandlers,
  commandJobHandlers,
  scheduleHandlers,
  usageHandlers,
  vmSizeHandlers,
  registryHandlers,
  registryModelContainerHandlers,
  registryModelVersionHandlers,
  connectedClusterHandlers,
  managedClusterHandlers,
  extensionHandlers,
  loadTestHandlers,
  metricAlertHandlers,
  actionGroupHandlers,
  eventSubscriptionHandlers,
];
