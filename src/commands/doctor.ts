import type { Command } from 'commander';
import { withCommon, type CommonOptions } from './common.ts';
import { InputError } from '../errors.ts';

export function defineDoctor(program: Command): void {
  withCommon(program.command('doctor').description('host and cluster checks with the cause and fix of each problem found (exit 1 when there is one)'))
    .action(async (opts: CommonOptions) => {
      if (opts.output !== 'text' && opts.output !== 'json') throw new InputError(`--output must be text or json, not "${opts.output}"`);
      // loaded on use, so `kubeforge --help` stays fast
      const { runDoctor } = await import('../doctor/run.ts');
      process.exitCode = await runDoctor({ inventory: opts.inventory, output: opts.output });
    });
}
