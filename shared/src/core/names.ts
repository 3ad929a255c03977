/** Name rules of the Azure ML REST API (reference §3) and the input checks every step shares. */
import { inputError } from './errors';

export const MODEL_NAME = /^[a-zA-Z0-9][a-zA-Z0-9\-_]{0,254}$/;
export const REGISTRY_NAME = /^[a-zA-Z0-9][a-zA-Z0-9\-_]{2,32}$/;
export const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export function checkRegistryName(value: string, input: string): string {
  if (!REGISTRY_NAME.test(value)) {
    throw inputError(`Input '${input}' is not a valid registry name: '${value}' (3-33 letters, digits, '-' or '_').`, { input });
  }
  return value;
}

export function checkModelName(value: string, input: string): string {
  if (!MODEL_NAME.test(value)) throw inputError(`Input '${input}' is not a valid model name: '${value}'.`, { input });
  return value;
}

export function checkSubscriptionId(value: string, input: string): string {
  if (!GUID.test(value)) throw inputError(`Input '${input}' must be a subscription GUID, got '${value}'.`, { input });
  return value;
}
