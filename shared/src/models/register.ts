import type { StepContext } from '../steps/definition';

export async function registerModel(ctx: StepContext): Promise<void> {
  ctx.host.info('not yet');
}
