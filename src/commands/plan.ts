import type { Command } from 'commander';
import { withCommon } from './common.ts';
import { UserError } from '../errors.ts';

export function definePlan(program: Command): void {
  withCommon(program.command('plan').description('print, per host and step, the exact scripts and files up would apply'))
    .option('--live', 'connect and mark each step done / to do')
    .action(async () => {
      throw new UserError('plan is not implemented yet');
    });
}
