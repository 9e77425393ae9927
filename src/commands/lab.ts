import type { Command } from 'commander';
import { UserError } from '../errors.ts';

export function defineLab(program: Command): void {
  const lab = program.command('lab').description('the local simulated fleet of CentOS / Rocky hosts (needs root)');
  lab.command('up <n>').description('start a fleet of N hosts').action(async () => {
    throw new UserError('lab is not implemented yet');
  });
}
