import type { Command } from 'commander';
import { withCommon, type CommonOptions } from './common.ts';
import { InputError } from '../errors.ts';

export function defineKubeconfig(program: Command): void {
  withCommon(program.command('kubeconfig').description('write the admin kubeconfig locally (server = controlPlaneEndpoint)'))
    .option('--out <file>', 'where to write it (default .kubeforge/clusters/<name>/admin.conf; with --merge: the file to merge into)')
    .option('--merge', 'add it to ~/.kube/config (or $KUBECONFIG\'s first file) under the cluster\'s name, keeping every other entry')
    .action(async (opts: CommonOptions & { out?: string; merge?: boolean }) => {
      if (opts.output !== 'text' && opts.output !== 'json') throw new InputError(`--output must be text or json, not "${opts.output}"`);
      // loaded on use, so `kubeforge --help` stays fast
      const { runKubeconfig } = await import('../cluster/kubeconfig-run.ts');
      process.exitCode = await runKubeconfig({ inventory: opts.inventory, output: opts.output, out: opts.out, merge: opts.merge === true });
    });
}
