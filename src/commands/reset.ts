import type { Command } from 'commander';
import { withCommon, type CommonOptions } from './common.ts';
import { InputError } from '../errors.ts';

export function defineReset(program: Command): void {
  withCommon(program.command('reset').description('undo a node (--host NAME: drain, delete, kubeadm reset) or the whole cluster; asks unless --yes'))
    .option('--host <name>', 'reset only this inventory host')
    .option('--yes', 'do not ask for confirmation')
    .action(async (opts: CommonOptions & { host?: string; yes?: boolean }) => {
      if (opts.output !== 'text' && opts.output !== 'json') throw new InputError(`--output must be text or json, not "${opts.output}"`);
      // loaded on use, so `kubeforge --help` stays fast
      const { runReset } = await import('../cluster/reset-run.ts');
      process.exitCode = await runReset({ inventory: opts.inventory, output: opts.output, host: opts.host, yes: opts.yes === true });
    });
}
