import type { Command } from 'commander';
import { withCommon } from './common.ts';
import { UserError } from '../errors.ts';

export function defineToken(program: Command): void {
  const token = program.command('token').description('bootstrap tokens: fresh join commands and their expiry');
  withCommon(token.command('create').description('print a fresh worker join command (and control-plane one with --control-plane)'))
    .option('--ttl <duration>', 'token lifetime', '2h')
    .option('--control-plane', 'also upload certificates and print the control-plane join command')
    .action(async () => {
      throw new UserError('token create is not implemented yet');
    });
  withCommon(token.command('list').description('list bootstrap tokens (id only) with their expiry'))
    .action(async () => {
      throw new UserError('token list is not implemented yet');
    });
}
