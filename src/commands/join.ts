import type { Command } from 'commander';
import { withCommon } from './common.ts';
import { UserError } from '../errors.ts';

export function defineJoin(program: Command): void {
  withCommon(program.command('join').description('join every inventory host that is not yet a node'))
    .option('--host <name>', 'join only this host')
    .action(async () => {
      throw new UserError('join is not implemented yet');
    });
}
