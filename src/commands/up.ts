import type { Command } from 'commander';
import { withCommon, type CommonOptions } from './common.ts';
import { InputError } from '../errors.ts';

interface UpOptions extends CommonOptions {
  concurrency: string;
  skipUnreachable?: boolean;
}

export function defineUp(program: Command): void {
  withCommon(program.command('up').description('converge the whole cluster: preflight, OS prep, runtime, kube packages, init, joins, CNI, metrics-server, kube-proxy mode, verify'))
    .option('--concurrency <n>', 'hosts worked on at once inside a phase', '20')
    .option('--skip-unreachable', 'go on without unreachable workers (masters are always needed)')
    .action(async (opts: UpOptions) => {
      const concurrency = Number(opts.concurrency);
      if (!Number.isInteger(concurrency) || concurrency < 1) throw new InputError(`--concurrency must be a positive integer, not "${opts.concurrency}"`);
      if (opts.output !== 'text' && opts.output !== 'json') throw new InputError(`--output must be text or json, not "${opts.output}"`);
      // loaded on use, so `kubeforge --help` stays fast
      const { runUp } = await import('./up-run.ts');
      process.exitCode = await runUp({ inventory: opts.inventory, output: opts.output, concurrency, skipUnreachable: opts.skipUnreachable === true });
    });
}
