import type { Command } from 'commander';
import { withCommon } from './common.ts';
import { UserError } from '../errors.ts';

export function defineDoctor(program: Command): void {
  withCommon(program.command('doctor').description('host and cluster checks, with the cause and fix of each problem'))
    .action(async () => {
      throw new UserError('doctor is not implemented yet');
    });
}
