/**
 * The three error shapes the live service returns: the ARM gateway envelope (`x-ms-failure-cause: gateway`),
 * the plain ARM envelope resource providers use, and the MFE (Azure ML management front end) envelope with
 * `details` and `additionalInfo` and `x-ms-response-type: error`.
 */
import { randomUUID } from 'node:crypto';
import type { Reply } from '../http';

export function armError(status: number, code: string, message: string, headers?: Record<string, string>): Reply {
  return { status, body: { error: { code, message } }, headers };
}

export function gatewayError(status: number, code: string, message: string): Reply {
  return armError(status, code, message, { 'x-ms-failure-cause': 'gateway' });
}

export interface MfeDetail {
  code: string;
  message: string;
}

export function mfeError(status: number, code: string, message: string, details: MfeDetail[] = [], location = 'eastus'): Reply {
  return {
    status,
    headers: { 'x-ms-response-type': 'error' },
    body: {
      error: {
        code,
        message,
        target: null,
        details: details.map((d) => ({ ...d, target: null, details: [], additionalInfo: [] })),
        additionalInfo: [
          { type: 'ComponentName', info: { value: 'managementfrontend' } },
          { type: 'Correlation', info: { value: { operation: randomUUID().replace(/-/g, ''), request: randomUUID().replace(/-/g, '').slice(0, 16) } } },
          { type: 'Environment', info: { value: location } },
          { type: 'Location', info: { value: location } },
          { type: 'Time', info: { value: new Date().toISOString() } },
        ],
      },
    },
  };
}

export function userError(message: string, detail?: MfeDetail, status = 400): Reply {
  return mfeError(status, 'UserError', message, detail ? [detail] : []);
}

export function mfeNotFound(what: string, name: string, detailCode = 'NotFound'): Reply {
  const message = `Could not find ${what} '${name}'.`;
  return mfeError(404, 'UserError', message, [{ code: detailCode, message }]);
}
