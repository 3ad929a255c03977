/** Schedules (model monitors: CreateMonitor), raw at the client's api-version. */
import type { ArmCore } from './arm-core';
import type { LroResult } from './lro';
import { childPath, refs, workspacePath } from './refs';
import type { Schedule, ScheduleProperties } from './resources';

export interface ScheduleBody {
  properties: Partial<ScheduleProperties> & Pick<ScheduleProperties, 'action' | 'trigger'>;
}

export class ScheduleOperations {
  constructor(private readonly core: ArmCore) {}

  private path(rg: string, ws: string, name: string): string {
    return childPath(workspacePath(this.core.subscriptionId, rg, ws), 'schedules', name);
  }

  private ctx(verb: string, rg: string, ws: string, name: string) {
    return { operation: `${verb} schedule '${name}'`, ref: refs.inWorkspace('schedule', name, rg, ws) };
  }

  get(rg: string, ws: string, name: string): Promise<Schedule | undefined> {
    return this.core.rawGet<Schedule>(this.path(rg, ws, name), this.ctx('get', rg, ws, name));
  }

  createOrUpdate(rg: string, ws: string, name: string, body: ScheduleBody): Promise<LroResult<Schedule>> {
    return this.core.lro<Schedule>('PUT', this.path(rg, ws, name), body, this.ctx('create or update', rg, ws, name), 'original-uri');
  }

  delete(rg: string, ws: string, name: string): Promise<LroResult<undefined>> {
    return this.core.lro<undefined>('DELETE', this.path(rg, ws, name), undefined, this.ctx('delete', rg, ws, name));
  }
}
