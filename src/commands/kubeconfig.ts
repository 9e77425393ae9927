import type { Command } from 'commander';
import { withCommon } from './common.ts';
import { UserError } from '../errors.ts';

export function defineKubeconfig(program: Command): void {
  withCommon(program.command('kubeconfig').description('write the admin kubeconfig locally (server = controlPlaneEndpoint)'))
    .option('--out <file>', 'where to write it')
    .option('--merge', 'merge into ~/.kube/config under the cluster name')
    .action(async () => {
      throw new UserError('kubeconfig is not implemented yet');
    });
}
