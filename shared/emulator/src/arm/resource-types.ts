/** Every ARM resource type the emulator serves. Add a handler module here to serve a new type. */
import type { ResourceTypeHandler } from './call';
import { workspaceHandlers } from './workspaces';
import { datastoreHandlers } from './datastores';
import { modelContainerHandlers, modelVersionHandlers } from './models';
import { onlineEndpointHandlers } from './online-endpoints';
import { registryHandlers } from './registries';
import { registryModelContainerHandlers, registryModelVersionHandlers } from './registry-models';
import { publishModelVersion } from './model-publish';

export const resourceTypes: ResourceTypeHandler[] = [
  workspaceHandlers,
  datastoreHandlers,
  modelContainerHandlers,
  { ...modelVersionHandlers, actions: { ...modelVersionHandlers.actions, publish: publishModelVersion } },
  onlineEndpointHandlers,
  registryHandlers,
  registryModelContainerHandlers,
  registryModelVersionHandlers,
];
