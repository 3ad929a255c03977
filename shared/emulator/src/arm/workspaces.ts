/** Workspaces_Get and Workspaces_ListByResourceGroup. Workspaces are created through the control surface. */
import type { StoredResource } from '../state/model';
import type { ArmCall, ResourceTypeHandler } from './call';
import { childrenOf, page, propertiesOf } from './resource-helpers';
import { render } from './render';
import { rgId } from './target';

export function renderWorkspace(ws: StoredResource, c: ArmCall) {
  const location = String(ws.body.location ?? 'eastus');
  const host = new URL(c.baseUrl).host;
  return render(ws, {
    properties: {
      workspaceId: propertiesOf(ws.body).workspaceId,
      discoveryUrl: `${c.baseUrl}/discovery/${location}`,
      mlFlowTrackingUri: `azureml://${host}/mlflow/v1.0${ws.id}`,
    },
  });
}

export const workspaceHandlers: ResourceTypeHandler = {
  path: ['workspaces'],
  list: (c) => {
    const parent = `${rgId(c.subscriptionId, c.resourceGroup)}/providers/Microsoft.MachineLearningServices`;
    return page(c, childrenOf(c.state, parent, 'workspaces').map((w) => renderWorkspace(w, c)));
  },
  get: (c) => ({ status: 200, body: renderWorkspace(c.workspace!, c) }),
};
