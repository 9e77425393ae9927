import type { Command } from 'commander';
import { withCommon, type CommonOptions } from './common.ts';
import { InputError } from '../errors.ts';

export function defineJoin(program: Command): void {
  withCommon(program.command('join').description('join every inventory host that is not yet a node'))
    .option('--host <name>', 'join only this host')
    .option('--concurrency <n>', 'hosts worked on at once inside a phase', '20')
    .action(async (opts: CommonOptions & { host?: string; concurrency: string }) => {
      if (opts.output !== 'text' && opts.output !== 'json') throw new InputError(`--output must be text or json, not "${opts.output}"`);
      const concurrency = Number(opts.concurrency);
      if (!Number.isInteger(concurrency) || concurrency < 1) throw new InputError(`--concurrency must be a positive integer, not "${opts.concurrency}"`);
      // loaded on use, so `kubeforge --help` stays fast
      const { runJoin } = await import('../cluster/join-run.ts');
      process.exitCode = await runJoin({ inventory: opts.inventory, output: opts.output, host: opts.host, concurrency });
    });
}
