import type { Command } from 'commander';
import { withCommon } from './common.ts';
import { UserError } from '../errors.ts';

export function defineReset(program: Command): void {
  withCommon(program.command('reset').description('undo a node (--host, drained and deleted) or the whole cluster'))
    .option('--host <name>', 'reset only this host')
    .option('--yes', 'do not ask for confirmation')
    .action(async () => {
      throw new UserError('reset is not implemented yet');
    });
}
