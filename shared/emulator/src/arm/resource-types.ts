/** Every ARM resource type the emulator serves. Add a handler module here to serve a new type. */
import type { ResourceTypeHandler } from './call';
import { workspaceHandlers } from './workspaces';
import { datastoreHandlers } from './datastores';
import { modelContainerHandlers, modelVersionHandlers } from './models';
import { onlineEndpointHandlers } from './online-endpoints';

export const resourceTypes: ResourceTypeHandler[] = [
  workspaceHandlers,
  datastoreHandlers,
  modelContainerHandlers,
  modelVersionHandlers,
  onlineEndpointHandlers,
];
