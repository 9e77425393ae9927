import type { Command } from 'commander';
import { withCommon } from './common.ts';
import { UserError } from '../errors.ts';

export function defineUp(program: Command): void {
  withCommon(program.command('up').description('converge the whole cluster: preflight, OS prep, runtime, kube packages, init, joins, CNI, metrics-server, kube-proxy mode, verify'))
    .option('--concurrency <n>', 'hosts worked on at once inside a phase', '20')
    .option('--skip-unreachable', 'go on without unreachable workers')
    .action(async () => {
      throw new UserError('up is not implemented yet');
    });
}
