/**
 * Workspace data assets (`.../data/{name}[/versions/{v}]`) and components (`.../components/{name}[/versions/{v}]`),
 * synchronous like the other asset versions (201 new, 200 existing) and immutable in what they point at.
 *   - A data version (DataVersionBase, discriminator `dataType`: uri_file | uri_folder | mltable) needs `dataUri`
 *     (a datastore URI or a URL); batch jobs take it as an input (`azureml:<name>:<version>` or its id).
 *   - A component version needs `componentSpec` (the component's definition, an object); a batch deployment of type
 *     PipelineComponent names one with `deploymentConfiguration.componentId`.
 */
import type { Json } from '../state/model';
import type { Reply } from '../http';
import { isObject } from '../http';
import { userError } from './errors';
import { assetFamily } from './assets';

function bad(message: string): Reply {
  return userError(message, { code: 'BadArgument', message });
}

const DATA_TYPES = ['uri_file', 'uri_folder', 'mltable'];
const DATA_URI = /^(azureml|https?|wasbs?|abfss?|adl):\/\/.+/i;

function checkData(props: Json): Reply | Json {
  const t = props.dataType;
  if (t === undefined || t === null) return bad(`'dataType' is required for a data version: one of ${DATA_TYPES.join(', ')}.`);
  const dataType = DATA_TYPES.find((d) => typeof t === 'string' && d === t.toLowerCase().replace(/[^a-z]/g, '').replace(/^uri(file|folder)$/, 'uri_$1'));
  if (!dataType) return bad(`'dataType' must be one of ${DATA_TYPES.join(', ')}; got '${String(t)}'.`);
  const uri = props.dataUri;
  if (typeof uri !== 'string' || !uri) return bad("The field 'dataUri' is required for a data version.");
  if (!DATA_URI.test(uri)) return bad(`'dataUri' must be a datastore URI (azureml://datastores/<datastore>/paths/<path>) or a storage URL; got '${uri}'.`);
  if (props.isAnonymous !== undefined && typeof props.isAnonymous !== 'boolean') return bad("'isAnonymous' must be a boolean.");
  return { ...props, dataType };
}

function checkComponent(props: Json): Reply | Json {
  const spec = props.componentSpec;
  if (spec === undefined || spec === null) return bad("The field 'componentSpec' is required for a component version (the component's definition).");
  if (!isObject(spec)) return bad("'componentSpec' must be an object (the component's definition).");
  if (spec.type !== undefined && typeof spec.type !== 'string') return bad("'componentSpec.type' must be a string (e.g. 'command', 'pipeline').");
  if (props.isAnonymous !== undefined && typeof props.isAnonymous !== 'boolean') return bad("'isAnonymous' must be a boolean.");
  return props;
}

const data = assetFamily({ segment: 'data', label: 'data', check: checkData, immutable: ['dataUri', 'dataType'] });
const components = assetFamily({ segment: 'components', label: 'component', check: checkComponent, immutable: ['componentSpec'] });

export const dataContainerHandlers = data.containers;
export const dataVersionHandlers = data.versions;
export const componentContainerHandlers = components.containers;
export const componentVersionHandlers = components.versions;
